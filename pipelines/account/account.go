// Package account runs the deletion of an account: everything the user owns goes, by a job,
// so that a large account does not hold an HTTP request (or a lock) for long, and a crash
// halfway is retried rather than leaving half an account.
package account

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/fanout"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// DeleteArgs deletes one account. Unique per user: asking twice makes one job.
type DeleteArgs struct {
	UserID uuid.UUID `json:"user_id" river:"unique"`
}

// Kind implements river.JobArgs.
func (DeleteArgs) Kind() string { return "account_delete" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (DeleteArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Default, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DeleteWorker deletes the user's blobs (their scores' files), then the account row; every
// table the user owns cascades from it. Blobs go first: a crash in between leaves the rows
// that lead to the remaining blobs, and the retry finishes the work.
type DeleteWorker struct {
	river.WorkerDefaults[DeleteArgs]
	pool  *pgxpool.Pool
	blobs blob.Store
}

// NewDeleteWorker returns the worker.
func NewDeleteWorker(pool *pgxpool.Pool, blobs blob.Store) *DeleteWorker {
	return &DeleteWorker{pool: pool, blobs: blobs}
}

// Work implements river.Worker. Deleting an account that is already gone is done.
func (w *DeleteWorker) Work(ctx context.Context, job *river.Job[DeleteArgs]) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		// Others' favourites and collection entries of the user's scores go with them (a
		// cascade their change logs record): their devices are told.
		followers, err := store.ScoreFollowers(ctx, tx, job.Args.UserID, nil)
		if err != nil {
			return err
		}
		if err := scores.DeleteOwnerBlobs(ctx, tx, client, w.blobs, job.Args.UserID); err != nil {
			return err
		}
		if err := store.DeleteUser(ctx, tx, job.Args.UserID); err != nil {
			return err
		}
		return fanout.EnqueueTx(ctx, tx, client, followers)
	})
}
