// Package housekeeping deletes what has expired (sign-in links, refresh tokens,
// idempotency keys, rate-limit windows) with a periodic job, once across all workers.
package housekeeping

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

// Interval is how often expired rows are pruned.
const Interval = time.Hour

// PruneArgs is the pruning job.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return "housekeeping_prune" }

// InsertOpts implements river.JobArgsWithInsertOpts: one per interval.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Default, UniqueOpts: river.UniqueOpts{ByPeriod: Interval}}
}

// PruneWorker deletes expired rows.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	pool   *pgxpool.Pool
	logger *slog.Logger
	now    func() time.Time
}

// NewPruneWorker returns the worker; now may be nil (time.Now).
func NewPruneWorker(pool *pgxpool.Pool, logger *slog.Logger, now func() time.Time) *PruneWorker {
	if now == nil {
		now = time.Now
	}
	return &PruneWorker{pool: pool, logger: logger, now: now}
}

// Work implements river.Worker.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	n, err := store.Prune(ctx, w.pool, w.now())
	if err != nil {
		return err
	}
	w.logger.InfoContext(ctx, "pruned expired rows", slog.Int64("rows", n))
	return nil
}

// PeriodicJob schedules pruning every Interval.
func PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(Interval),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "housekeeping_prune", RunOnStart: true})
}
