// Package housekeeping deletes what has expired (sign-in links, refresh tokens,
// idempotency keys, rate-limit windows; sync changes past their retention) with periodic
// jobs, once across all workers.
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

// DefaultSyncRetention is how long the change log keeps a change unless configured.
const DefaultSyncRetention = 90 * 24 * time.Hour

// Sync change log pruning: batches of syncPruneBatch changes, each its own short statement
// (no lock is held for long, and a user's writes never wait on it: their rows are new), for
// at most syncPruneBudget per job; what is left is done by the job again a second later.
const (
	syncPruneBatch  = 2000
	syncPruneBudget = 30 * time.Second
)

// SyncPruneArgs is the change log's pruning job.
type SyncPruneArgs struct{}

// Kind implements river.JobArgs.
func (SyncPruneArgs) Kind() string { return "sync_changes_prune" }

// InsertOpts implements river.JobArgsWithInsertOpts: one per interval.
func (SyncPruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Default, UniqueOpts: river.UniqueOpts{ByPeriod: Interval}}
}

// SyncPruneWorker deletes the changes older than the retention. A device whose cursor is
// older than what is kept is told to read its account again (docs/sync-protocol.md); the
// current rows, not the log, are the state, so nothing but history is lost.
type SyncPruneWorker struct {
	river.WorkerDefaults[SyncPruneArgs]
	pool      *pgxpool.Pool
	logger    *slog.Logger
	retention time.Duration
	now       func() time.Time
}

// NewSyncPruneWorker returns the worker; retention 0 means DefaultSyncRetention, now nil
// time.Now.
func NewSyncPruneWorker(pool *pgxpool.Pool, logger *slog.Logger, retention time.Duration, now func() time.Time) *SyncPruneWorker {
	if retention <= 0 {
		retention = DefaultSyncRetention
	}
	if now == nil {
		now = time.Now
	}
	return &SyncPruneWorker{pool: pool, logger: logger, retention: retention, now: now}
}

// Work implements river.Worker.
func (w *SyncPruneWorker) Work(ctx context.Context, _ *river.Job[SyncPruneArgs]) error {
	start := time.Now()
	before := w.now().Add(-w.retention)
	var total int64
	for {
		n, err := store.PruneChanges(ctx, w.pool, before, syncPruneBatch)
		if err != nil {
			return err
		}
		total += n
		if n == 0 {
			break
		}
		if time.Since(start) > syncPruneBudget {
			w.logger.InfoContext(ctx, "pruned sync changes; more to do", slog.Int64("rows", total))
			return river.JobSnooze(time.Second)
		}
	}
	w.logger.InfoContext(ctx, "pruned sync changes", slog.Int64("rows", total), slog.Time("before", before))
	return nil
}

// SyncPruneJob schedules the change log's pruning every Interval.
func SyncPruneJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(Interval),
		func() (river.JobArgs, *river.InsertOpts) { return SyncPruneArgs{}, nil },
		&river.PeriodicJobOpts{ID: "sync_changes_prune", RunOnStart: true})
}
