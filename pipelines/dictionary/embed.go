package dictionary

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

// EmbedBatch is how many entries one embedding job embeds.
const EmbedBatch = 100

// BackfillInterval is how often entries without a vector of the current model are looked
// for: new entries, and all of them after the model changed.
const BackfillInterval = 10 * time.Minute

// EmbedArgs embeds entries with a model (ignored if the model is no longer the current one).
type EmbedArgs struct {
	EntryIDs []uuid.UUID `json:"entry_ids"`
	Model    string      `json:"model"`
}

// Kind implements river.JobArgs.
func (EmbedArgs) Kind() string { return "dictionary_embed" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (EmbedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Dictionary, MaxAttempts: 10}
}

// BackfillArgs looks for entries to embed.
type BackfillArgs struct{}

// Kind implements river.JobArgs.
func (BackfillArgs) Kind() string { return "dictionary_embed_backfill" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (BackfillArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Dictionary, UniqueOpts: river.UniqueOpts{ByPeriod: BackfillInterval}}
}

// BackfillJob schedules the backfill (also at start, so a new model begins at once).
func BackfillJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(BackfillInterval),
		func() (river.JobArgs, *river.InsertOpts) { return BackfillArgs{}, nil },
		&river.PeriodicJobOpts{ID: "dictionary_embed_backfill", RunOnStart: true})
}

// ManyInserter inserts jobs in a transaction: a River client.
type ManyInserter interface {
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Backfill makes sure the model's index exists, then inserts embedding jobs, in batches of
// EmbedBatch entries, for every entry without a vector of the model that no job is already
// embedding. It returns how many jobs it inserted.
func Backfill(ctx context.Context, pool *pgxpool.Pool, ins ManyInserter, e embed.Embedder) (int, error) {
	m := store.EmbeddingModel{Name: e.Model(), Dims: e.Dims()}
	if err := store.EnsureEmbeddingIndex(ctx, pool, m); err != nil {
		return 0, err
	}
	ids, err := store.EntriesWithoutEmbedding(ctx, pool, m.Name)
	if err != nil {
		return 0, err
	}
	var params []river.InsertManyParams
	for from := 0; from < len(ids); from += EmbedBatch {
		params = append(params, river.InsertManyParams{Args: EmbedArgs{EntryIDs: ids[from:min(from+EmbedBatch, len(ids))], Model: m.Name}})
	}
	if len(params) == 0 {
		return 0, nil
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := ins.InsertManyTx(ctx, tx, params)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("error inserting embedding jobs: %w", err)
	}
	return len(params), nil
}

// BackfillWorker runs Backfill.
type BackfillWorker struct {
	river.WorkerDefaults[BackfillArgs]
	pool     *pgxpool.Pool
	embedder embed.Embedder
}

// NewBackfillWorker returns the worker.
func NewBackfillWorker(pool *pgxpool.Pool, e embed.Embedder) *BackfillWorker {
	return &BackfillWorker{pool: pool, embedder: e}
}

// Work implements river.Worker.
func (w *BackfillWorker) Work(ctx context.Context, _ *river.Job[BackfillArgs]) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	_, err = Backfill(ctx, w.pool, client, w.embedder)
	return err
}

// EmbedWorker embeds entries.
type EmbedWorker struct {
	river.WorkerDefaults[EmbedArgs]
	pool     *pgxpool.Pool
	embedder embed.Embedder
}

// NewEmbedWorker returns the worker.
func NewEmbedWorker(pool *pgxpool.Pool, e embed.Embedder) *EmbedWorker {
	return &EmbedWorker{pool: pool, embedder: e}
}

// Work implements river.Worker.
func (w *EmbedWorker) Work(ctx context.Context, job *river.Job[EmbedArgs]) error {
	if job.Args.Model != w.embedder.Model() {
		return nil // the model changed since: the backfill embeds them with the new one
	}
	entries, err := store.DictionaryEntriesByID(ctx, w.pool, job.Args.EntryIDs)
	if err != nil || len(entries) == 0 {
		return err
	}
	texts := make([]string, len(entries))
	for i, e := range entries {
		texts[i] = EmbeddingText(e)
	}
	vecs, err := w.embedder.Embed(ctx, texts)
	var later *ai.RetryLater
	switch {
	case errors.As(err, &later) && time.Since(job.CreatedAt) < maxSnoozing:
		return river.JobSnooze(snooze(job.JobRow, later)) // the service's rate limit
	case err != nil:
		return err
	}
	m := store.EmbeddingModel{Name: w.embedder.Model(), Dims: w.embedder.Dims()}
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		for i, e := range entries {
			if err := store.PutEmbedding(ctx, tx, e.ID, m, vecs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// EmbeddingText is what is embedded of an entry: the term, its name in the entry's language,
// and its definitions.
func EmbeddingText(e store.DictionaryEntry) string {
	parts := []string{e.Term}
	for _, s := range []string{e.Definition.Translation, e.Definition.Concise, e.Definition.Detailed} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ". ")
}
