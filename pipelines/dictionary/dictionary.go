// Package dictionary is the dictionary pipeline: seeding from the curated glossary, and
// definition jobs on the dictionary queue, one per term and language however many requests
// ask for it at once (River's unique jobs).
package dictionary

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

// Languages are the dictionary's languages.
func Languages() []string { return []string{"en", "es", "fr", "de", "zh-CN", "zh-TW"} }

// Seed records the glossary's terms as English entries. Idempotent: an entry changes only
// when the glossary's text for it changed, and entries that an editor or the AI wrote are
// left alone.
func Seed(ctx context.Context, db store.DB, g *glossary.Glossary) (changed int, err error) {
	for _, e := range g.Entries() {
		n, err := store.SeedDictionaryEntry(ctx, db, store.NewDictionaryEntry{
			Term: e.Term, TermKey: glossary.Key(e.Term), Lang: "en", SourceLang: e.SourceLang, Type: e.Type,
			Origin: "glossary", Definition: definition(e),
		})
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

func definition(e glossary.Entry) map[string]any {
	return map[string]any{
		"concise": e.Concise, "detailed": e.Detailed, "etymology": e.Etymology,
		"pronunciation": map[string]any{"ipa": e.IPA, "syllables": e.Syllables},
		"example":       e.Example, "related": e.Related,
	}
}

// DefineArgs asks for a term's definition in a language. Unique by term key and language:
// a hundred requests at once make one job.
type DefineArgs struct {
	Term    string `json:"term"`
	TermKey string `json:"term_key" river:"unique"`
	Lang    string `json:"lang" river:"unique"`
}

// Kind implements river.JobArgs.
func (DefineArgs) Kind() string { return "dictionary_define" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (DefineArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Dictionary, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Inserter inserts a job in a transaction: a River client.
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// ErrBadRequest is wrapped by errors about the term or the language asked for.
var ErrBadRequest = errors.New("bad dictionary request")

// Request asks for a definition: the job of the term and language, new or already there.
func Request(ctx context.Context, pool *pgxpool.Pool, ins Inserter, term, lang string) (*rivertype.JobInsertResult, error) {
	term = strings.TrimSpace(term)
	if term == "" || len(term) > 200 {
		return nil, fmt.Errorf("%w: a term is 1 to 200 characters", ErrBadRequest)
	}
	known := false
	for _, l := range Languages() {
		known = known || l == lang
	}
	if !known {
		return nil, fmt.Errorf("%w: the language must be one of %s", ErrBadRequest, strings.Join(Languages(), ", "))
	}
	var res *rivertype.JobInsertResult
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		res, err = ins.InsertTx(ctx, tx, DefineArgs{Term: term, TermKey: glossary.Key(term), Lang: lang}, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error requesting a definition: %w", err)
	}
	return res, nil
}

// DefineWorker writes a definition, and in the same transaction asks for its embedding
// (with model, when set). Today it knows the glossary (English); the AI completer is to join
// it for every other term and language.
type DefineWorker struct {
	river.WorkerDefaults[DefineArgs]
	pool     *pgxpool.Pool
	glossary *glossary.Glossary
	model    string
}

// NewDefineWorker returns the worker; model is the current embedding model ("": none).
func NewDefineWorker(pool *pgxpool.Pool, g *glossary.Glossary, model string) *DefineWorker {
	return &DefineWorker{pool: pool, glossary: g, model: model}
}

// Work implements river.Worker.
func (w *DefineWorker) Work(ctx context.Context, job *river.Job[DefineArgs]) error {
	a := job.Args
	if e, ok := w.glossary.Lookup(a.Term); ok && a.Lang == "en" {
		client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
		if err != nil {
			return err
		}
		return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
			id, err := store.UpsertDictionaryEntry(ctx, tx, store.NewDictionaryEntry{
				Term: e.Term, TermKey: a.TermKey, Lang: "en", SourceLang: e.SourceLang, Type: e.Type, Origin: "glossary",
				Definition: definition(e),
			})
			if err != nil || w.model == "" {
				return err
			}
			_, err = client.InsertTx(ctx, tx, EmbedArgs{EntryIDs: []uuid.UUID{id}, Model: w.model}, nil)
			return err
		})
	}
	return river.JobCancel(fmt.Errorf("no provider can define %q in %s yet: the local provider knows the glossary's English terms only", a.Term, a.Lang))
}
