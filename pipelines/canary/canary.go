// Package canary is the smallest pipeline: a periodic job whose only work is to record that a
// worker process picked it up. /health reads that record to tell whether jobs are being
// worked at all, which neither River nor the database can say on their own.
package canary

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

// Interval is how often the canary runs. /health calls the workers stale after a few of them.
const Interval = 30 * time.Second

// Args is the canary job. It has no fields.
type Args struct{}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "canary" }

// InsertOpts puts the canary on the default queue, once per interval however many
// schedulers (leaders) there have been, with no retries: the next one comes soon.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       queues.Default,
		MaxAttempts: 1,
		UniqueOpts:  river.UniqueOpts{ByPeriod: Interval},
	}
}

// Worker records the heartbeat.
type Worker struct {
	river.WorkerDefaults[Args]
	pool *pgxpool.Pool
}

// NewWorker returns the canary worker.
func NewWorker(pool *pgxpool.Pool) *Worker { return &Worker{pool: pool} }

// Work implements river.Worker.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	workerID := ""
	if n := len(job.AttemptedBy); n > 0 {
		workerID = job.AttemptedBy[n-1]
	}
	return store.RecordHeartbeat(ctx, w.pool, job.Queue, workerID)
}

// PeriodicJob schedules the canary every Interval, and once when a leader starts.
func PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(Interval),
		func() (river.JobArgs, *river.InsertOpts) { return Args{}, nil },
		&river.PeriodicJobOpts{ID: "canary", RunOnStart: true})
}
