// Package dictionary is the dictionary pipeline: seeding from the curated glossary, and
// definition jobs on the dictionary queue, one per term and language however many requests
// ask for it at once (River's unique jobs).
package dictionary

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/define"
	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

// Languages are the dictionary's languages.
func Languages() []string { return []string{"en", "es", "fr", "de", "zh-CN", "zh-TW"} }

// Seed records the glossary's terms as English entries, scored by the rubric. Idempotent: an
// entry changes only when the glossary's text for it (or its score) changed, and entries
// that an editor or the AI wrote are left alone.
func Seed(ctx context.Context, db store.DB, g *glossary.Glossary) (changed int, err error) {
	for _, e := range g.Entries() {
		a := define.FromGlossary(e)
		q := define.Assess(define.Request{Term: e.Term, Lang: "en"}, a)
		n, err := store.SeedDictionaryEntry(ctx, db, store.NewDictionaryEntry{
			Term: e.Term, TermKey: glossary.Key(e.Term), Lang: "en", SourceLang: e.SourceLang, Type: e.Type,
			Origin: "glossary", Definition: a.Definition, Quality: q.Score, Issues: q.Issues,
		})
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

// DefineArgs asks for a term's definition in a language. Unique by term key and language:
// a hundred requests at once make one job.
type DefineArgs struct {
	Term    string `json:"term"`
	TermKey string `json:"term_key" river:"unique"`
	Lang    string `json:"lang" river:"unique"`
	// Regenerate writes the definition again even if the entry is there (an admin asked); a
	// regeneration is a job of its own beside an unfinished ordinary one.
	Regenerate bool `json:"regenerate,omitempty" river:"unique"`
}

// Kind implements river.JobArgs.
func (DefineArgs) Kind() string { return "dictionary_define" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (DefineArgs) InsertOpts() river.InsertOpts {
	// Unique while unfinished: once a job completed, a new one may be asked for (to
	// regenerate), and one that was cancelled (not definable then) may be tried again.
	return river.InsertOpts{Queue: queues.Dictionary, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// Inserter inserts a job in a transaction: a River client.
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// ErrBadRequest is wrapped by errors about the term or the language asked for.
var ErrBadRequest = errors.New("bad dictionary request")

// Request asks for a definition: the job of the term and language, new or already there.
func Request(ctx context.Context, pool *pgxpool.Pool, ins Inserter, term, lang string, regenerate bool) (*rivertype.JobInsertResult, error) {
	args, err := NewDefineArgs(term, lang)
	if err != nil {
		return nil, err
	}
	args.Regenerate = regenerate
	var res *rivertype.JobInsertResult
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		res, err = ins.InsertTx(ctx, tx, args, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error requesting a definition: %w", err)
	}
	return res, nil
}

// NewDefineArgs checks a term and a language and returns the job's arguments.
func NewDefineArgs(term, lang string) (DefineArgs, error) {
	term = strings.Join(strings.Fields(term), " ")
	if term == "" || utf8.RuneCountInString(term) > 200 {
		return DefineArgs{}, fmt.Errorf("%w: a term is 1 to 200 characters", ErrBadRequest)
	}
	if !slices.Contains(Languages(), lang) {
		return DefineArgs{}, fmt.Errorf("%w: the language must be one of %s", ErrBadRequest, strings.Join(Languages(), ", "))
	}
	return DefineArgs{Term: term, TermKey: glossary.Key(term), Lang: lang}, nil
}

// Quality is the rubric's use in the pipeline.
type Quality struct {
	// Threshold is the least score an entry is published with; below it after
	// MaxRegenerations more tries, the best answer is kept for review with its issues.
	Threshold        float64
	MaxRegenerations int
}

// DefaultQuality is the pipeline's rubric setting unless configured.
func DefaultQuality() Quality { return Quality{Threshold: 0.7, MaxRegenerations: 2} }

const (
	// malformedAttempts: a service that answers malformed JSON on this many attempts (with
	// River's backoff between them) is given up on for the term, with the reason.
	malformedAttempts = 3
	// maxSnoozing bounds how long 429 answers keep a job waiting (a spent quota): after it,
	// a 429 counts as a failed attempt.
	maxSnoozing = 6 * time.Hour
)

// DefineWorker writes a definition with the Completer, scores it with the rubric (asking
// again, with the issues found, while it is below the threshold), and records the best
// answer, published or for review, and in the same transaction asks for its embedding (with
// model, when set).
type DefineWorker struct {
	river.WorkerDefaults[DefineArgs]
	pool      *pgxpool.Pool
	completer define.Completer
	quality   Quality
	model     string
}

// callTimeout bounds one call to the provider (ai.Config's default).
const callTimeout = time.Minute

// Timeout implements river.Worker: room for every try of the rubric's loop.
func (w *DefineWorker) Timeout(*river.Job[DefineArgs]) time.Duration {
	return time.Duration(w.quality.MaxRegenerations+1)*(callTimeout+15*time.Second) + 30*time.Second
}

// NewDefineWorker returns the worker; model is the current embedding model ("": none).
func NewDefineWorker(pool *pgxpool.Pool, c define.Completer, q Quality, model string) *DefineWorker {
	return &DefineWorker{pool: pool, completer: c, quality: q, model: model}
}

// Work implements river.Worker.
func (w *DefineWorker) Work(ctx context.Context, job *river.Job[DefineArgs]) error {
	a := job.Args
	if !a.Regenerate {
		if _, err := store.DictionaryEntryByTerm(ctx, w.pool, a.TermKey, a.Lang); err == nil {
			return nil // written since this job was asked for
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	req := define.Request{Term: a.Term, Lang: a.Lang}
	var best define.Answer
	var bestQ define.Quality
	for try := 0; try <= w.quality.MaxRegenerations; try++ {
		answer, err := w.completer.Define(ctx, req)
		if err != nil && try == 0 {
			return providerError(job.JobRow, err)
		}
		if err != nil {
			// A later try failed: the best answer so far is kept, for review.
			bestQ.Issues = append(bestQ.Issues, "asking again failed: "+err.Error())
			bestQ.Score = min(bestQ.Score, w.quality.Threshold-0.001)
			break
		}
		q := define.Assess(req, answer)
		if try == 0 || q.Score > bestQ.Score {
			best, bestQ = answer, q
		}
		if bestQ.Score >= w.quality.Threshold {
			break
		}
		req.Issues = q.Issues
	}
	status := "published"
	if bestQ.Score < w.quality.Threshold {
		status = "review"
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		id, err := store.UpsertDictionaryEntry(ctx, tx, store.NewDictionaryEntry{
			Term: best.Term, TermKey: a.TermKey, Lang: a.Lang, SourceLang: best.SourceLang, Type: best.Type,
			Origin: origin(w.completer), Definition: best.Definition, Quality: bestQ.Score, Issues: bestQ.Issues, Status: status,
		})
		if err != nil || w.model == "" {
			return err
		}
		_, err = client.InsertTx(ctx, tx, EmbedArgs{EntryIDs: []uuid.UUID{id}, Model: w.model}, nil)
		return err
	})
}

// origin is where a provider's entries come from.
func origin(c define.Completer) string {
	if _, ok := c.(*define.Local); ok {
		return "glossary"
	}
	return "ai"
}

// providerError turns a provider's error into what River does next: snooze (429), give up
// with the reason (a term the provider cannot define; malformed answers, after
// malformedAttempts), or retry with backoff (the rest: 5xx, timeouts).
func providerError(job *rivertype.JobRow, err error) error {
	var later *ai.RetryLater
	switch {
	case errors.As(err, &later) && time.Since(job.CreatedAt) < maxSnoozing:
		return river.JobSnooze(snooze(job, later)) // a snooze uses no attempt
	case errors.Is(err, define.ErrCannotDefine):
		return river.JobCancel(err)
	case errors.Is(err, ai.ErrInvalidAnswer) && job.Attempt >= malformedAttempts:
		return river.JobCancel(fmt.Errorf("gave up after %d attempts, the last one a malformed answer: %w", job.Attempt, err))
	default:
		return err
	}
}

// snooze is how long to wait for a service that answered 429: its Retry-After, at least a
// second, and not past the job's maxSnoozing.
func snooze(job *rivertype.JobRow, later *ai.RetryLater) time.Duration {
	return max(time.Second, min(later.After, maxSnoozing-time.Since(job.CreatedAt)))
}
