package imslp

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/queues"
)

// SweepInterval is how often batches whose jobs ended without an outcome are closed.
const SweepInterval = 10 * time.Minute

// SweepArgs closes what no job will finish: works still queued whose import job has ended
// (discarded after a crash on its last attempt, cancelled by an operator in River UI, or
// completed by a path that did not record the outcome) fail, and a composer batch whose
// listing job has ended fails; a batch with nothing left queued ends. Then every owner with
// works waiting is topped up to its window, whatever was missed.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "imslp_sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.IMSLP, UniqueOpts: river.UniqueOpts{ByPeriod: SweepInterval}}
}

// PeriodicJobs returns the sweep; River's leader inserts it.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{ID: "imslp_sweep"})}
}

// SweepWorker runs Sweep.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	d *Deps
}

// Work implements river.Worker.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	_, err = Sweep(ctx, w.d.Pool, client, time.Minute, w.d.window())
	return err
}

// Sweep fails the listings of batches older than minAge and the works given a job more
// than minAge ago that no job will finish, ends the batches left with nothing queued, tops
// every owner with running batches up to window works with a job, and returns how many
// works it failed. Each owner's works are swept under the owner's lock, so no work is
// dispatched or finished meanwhile.
func Sweep(ctx context.Context, pool *pgxpool.Pool, client *river.Client[pgx.Tx], minAge time.Duration, window int) (int, error) {
	if _, err := pool.Exec(ctx, `
		UPDATE imslp_batches b SET status = 'failed', error = 'its listing job ended without listing the works',
			finished_at = now()
		WHERE b.status = 'listing' AND b.created_at < now() - $1::interval
			AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'imslp_list_composer'
				AND j.args @> jsonb_build_object('batch_id', b.id)
				AND j.state NOT IN ('completed', 'discarded', 'cancelled'))`, minAge); err != nil {
		return 0, err
	}
	rows, err := pool.Query(ctx, `SELECT DISTINCT owner_id FROM imslp_batches WHERE status = 'running'`)
	if err != nil {
		return 0, err
	}
	owners, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return 0, err
	}
	failed := 0
	for _, owner := range owners {
		n := 0
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if err := lockOwner(ctx, tx, owner); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `
				UPDATE imslp_batch_items i SET state = 'failed', reason = 'its import job ended without an outcome', updated_at = now()
				FROM imslp_batches b
				WHERE b.id = i.batch_id AND b.owner_id = $1 AND b.status = 'running'
					AND i.state = 'queued' AND i.dispatched_at <= now() - $2::interval
					AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'imslp_import_work'
						AND j.args @> jsonb_build_object('batch_id', i.batch_id, 'work', i.work)
						AND j.state NOT IN ('completed', 'discarded', 'cancelled'))
				RETURNING i.batch_id`, owner, minAge)
			if err != nil {
				return err
			}
			batchIDs, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			if err != nil {
				return err
			}
			seen := map[uuid.UUID]bool{}
			for _, id := range batchIDs {
				if seen[id] {
					continue
				}
				seen[id] = true
				if _, err := tx.Exec(ctx, `SELECT 1 FROM imslp_batches WHERE id = $1 FOR UPDATE`, id); err != nil {
					return err
				}
				if err := endIfLast(ctx, tx, id); err != nil {
					return err
				}
			}
			if _, err := dispatch(ctx, tx, client, owner, window, 1); err != nil {
				return err
			}
			n = len(batchIDs)
			return nil
		})
		if err != nil {
			return failed, err
		}
		failed += n
	}
	return failed, nil
}
