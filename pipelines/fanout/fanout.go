// Package fanout is the sync pipeline's fan-out: a job, inserted in the transaction of every
// write of a user's synced data, that tells every API process (pg_notify on Channel) that
// the user has new changes; the processes deliver them to the user's connected devices.
package fanout

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/queues"
)

// Channel is the notification channel API processes LISTEN on. A payload is a user id.
const Channel = "mirubato_sync"

// Args announces a user's new changes. Not unique: a job that is already running may have
// read the cursor before the change that inserted the next one.
type Args struct {
	UserID uuid.UUID `json:"user_id"`
}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "sync_fanout" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Sync, MaxAttempts: 5}
}

// Worker publishes the notification.
type Worker struct {
	river.WorkerDefaults[Args]
	pool *pgxpool.Pool
}

// NewWorker returns the worker.
func NewWorker(pool *pgxpool.Pool) *Worker { return &Worker{pool: pool} }

// Work implements river.Worker.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	if _, err := w.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, job.Args.UserID.String()); err != nil {
		return fmt.Errorf("error announcing changes: %w", err)
	}
	return nil
}

// Inserter inserts jobs in a transaction (a River client).
type Inserter interface {
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// EnqueueTx inserts, in tx, a fan-out job for each of users: for writes that change other
// users' synced data than the writer's (a cascade), whose devices must hear of it too.
func EnqueueTx(ctx context.Context, tx pgx.Tx, ins Inserter, users []uuid.UUID) error {
	if len(users) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(users))
	for i, u := range users {
		params[i] = river.InsertManyParams{Args: Args{UserID: u}}
	}
	if _, err := ins.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("error inserting fan-out jobs: %w", err)
	}
	return nil
}
