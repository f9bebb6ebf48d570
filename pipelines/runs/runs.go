// Package runs is the one mechanism for multi-step pipelines on River's open-source edition:
// a pipeline_runs row per run (internal/store) records the current step, how many of its
// jobs are still outstanding, and per-step state and progress.
//
// Every step is a fan-out of one or more jobs. A job of a step ends with Done, which in the
// worker's transaction completes the job (river.JobCompleteTx), counts it, and, when it was
// the step's last, asks for the next step and inserts its jobs (InsertManyTx). The count
// locks the run's row, so of concurrent last jobs exactly one sees zero and the next step is
// inserted exactly once. A worker that crashes before its transaction commits leaves its job
// to be retried and the count untouched: the run resumes where it was.
package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/store"
)

// Next is a step: its name and its jobs. The zero Next, returned for what follows the last
// step, finishes the run.
type Next struct {
	Step string
	Jobs []river.InsertManyParams
}

// Inserter inserts jobs in a transaction: a River client (in a worker,
// river.ClientFromContext[pgx.Tx](ctx)).
type Inserter interface {
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// ErrNotRunning is returned by Done when the run was cancelled or failed meanwhile. The job
// is completed all the same (commit the transaction) and nothing further starts.
var ErrNotRunning = errors.New("the run is no longer running")

// MetadataKey is the job metadata key that carries the run id, so operators can find a
// job's run in River UI.
const MetadataKey = "pipeline_run_id"

// StartParams describes a new run.
type StartParams struct {
	Kind    string
	Subject string
	OwnerID *uuid.UUID
	// First returns the first step (at least one job); jobs usually carry the run's id.
	First func(runID uuid.UUID) Next
}

// Start records a run and inserts the jobs of its first step, in tx.
func Start(ctx context.Context, tx pgx.Tx, ins Inserter, p StartParams) (*store.Run, error) {
	id := uuid.New()
	first := p.First(id)
	if first.Step == "" || len(first.Jobs) == 0 {
		return nil, errors.New("a run starts with a named step of at least one job")
	}
	run, err := store.CreateRun(ctx, tx, id, p.Kind, p.Subject, p.OwnerID, first.Step, len(first.Jobs), time.Now().UTC())
	if err != nil {
		return nil, err
	}
	if err := insert(ctx, tx, ins, run.ID, first.Jobs); err != nil {
		return nil, err
	}
	return run, nil
}

// Done completes job, one of the jobs of step in run runID, in tx. When it is the last of
// its step, next is called (in tx) for the following step, whose jobs are inserted; a zero
// Next finishes the run. The caller commits tx and returns nil from Work.
func Done[T river.JobArgs](ctx context.Context, tx pgx.Tx, ins Inserter, job *river.Job[T], runID uuid.UUID, step string,
	next func(ctx context.Context, tx pgx.Tx) (Next, error),
) error {
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("error completing job: %w", err)
	}
	outstanding, err := store.CountRunJob(ctx, tx, runID, step)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotRunning
	}
	if err != nil || outstanding > 0 {
		return err
	}
	nx, err := next(ctx, tx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if nx.Step == "" {
		return store.FinishRun(ctx, tx, runID, step, now)
	}
	if len(nx.Jobs) == 0 {
		return fmt.Errorf("step %q has no jobs", nx.Step)
	}
	if err := store.AdvanceRun(ctx, tx, runID, step, nx.Step, len(nx.Jobs), now); err != nil {
		return err
	}
	return insert(ctx, tx, ins, runID, nx.Jobs)
}

// Continue ends job, one of the jobs of step in run runID, in tx, handing what it has not
// done to rest, a job of the same step inserted in its place: the step's count of
// outstanding jobs is unchanged, so rest counts where job would have. A long job does its
// work in bounded pieces this way (its time limit, and with it how long River waits before
// rescuing it from a dead worker, stays short) while its progress survives a crash.
// ErrNotRunning when the run was cancelled or failed meanwhile (commit all the same).
func Continue[T river.JobArgs](ctx context.Context, tx pgx.Tx, ins Inserter, job *river.Job[T], runID uuid.UUID, step string,
	rest river.InsertManyParams,
) error {
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("error completing job: %w", err)
	}
	// The lock orders this with Cancel and Fail: a run they end gets no new job.
	ok, err := store.LockRunStep(ctx, tx, runID, step)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotRunning
	}
	return insert(ctx, tx, ins, runID, []river.InsertManyParams{rest})
}

// Fail marks the run failed at step with a reason a person understands; its jobs still
// queued end with ErrNotRunning.
func Fail(ctx context.Context, db store.DB, runID uuid.UUID, step, reason string) error {
	return store.FailRun(ctx, db, runID, step, reason, time.Now().UTC())
}

// insert tags each job with the run id and inserts them.
func insert(ctx context.Context, tx pgx.Tx, ins Inserter, runID uuid.UUID, jobs []river.InsertManyParams) error {
	meta, err := json.Marshal(map[string]string{MetadataKey: runID.String()})
	if err != nil {
		return err
	}
	for i := range jobs {
		opts := river.InsertOpts{}
		if jobs[i].InsertOpts != nil {
			opts = *jobs[i].InsertOpts
		}
		opts.Metadata = meta
		jobs[i].InsertOpts = &opts
	}
	if _, err := ins.InsertManyTx(ctx, tx, jobs); err != nil {
		return fmt.Errorf("error inserting step jobs: %w", err)
	}
	return nil
}

// Canceller cancels River jobs in a transaction: a River client.
type Canceller interface {
	JobCancelTx(ctx context.Context, tx pgx.Tx, jobID int64) (*rivertype.JobRow, error)
}

// Cancel marks the run cancelled and cancels its jobs that have not finished, in tx. A job
// already running finishes its work and then finds the run no longer running (ErrNotRunning).
func Cancel(ctx context.Context, tx pgx.Tx, c Canceller, runID uuid.UUID) error {
	ids, err := store.CancelRun(ctx, tx, runID, time.Now().UTC())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := c.JobCancelTx(ctx, tx, id); err != nil && !errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("error cancelling job %d: %w", id, err)
		}
	}
	return nil
}
