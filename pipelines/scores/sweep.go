package scores

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/runs"
)

// SweepInterval is how often stalled scores are looked for.
const SweepInterval = 10 * time.Minute

// stalledAfter: a running run none of whose jobs can still run, unchanged for this long, has
// stalled (River discarded its last job without our code seeing it fail: a worker that died
// on the last attempt, say).
const stalledAfter = 5 * time.Minute

// stalledReason is what the owner reads on a stalled score.
const stalledReason = "processing stopped unexpectedly; reprocess the score to try again"

// SweepArgs looks for stalled scores.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "score_sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Default, UniqueOpts: river.UniqueOpts{ByPeriod: SweepInterval}}
}

// PeriodicJob schedules the sweep.
func PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{ID: "score_sweep", RunOnStart: true})
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	d *Deps
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	n, err := SweepStalled(ctx, w.d.Pool, stalledAfter)
	if n > 0 {
		w.d.Logger.Warn("stalled scores marked failed", "count", n)
	}
	return err
}

// SweepStalled marks failed the scores whose current run is still running but has no job
// left that could run, and has not changed for olderThan. It returns how many.
func SweepStalled(ctx context.Context, db store.DB, olderThan time.Duration) (int, error) {
	rows, err := db.Query(ctx, `
		SELECT s.id, r.id, r.step FROM scores s JOIN pipeline_runs r ON r.id = s.run_id
		WHERE s.status = 'processing' AND r.state = 'running' AND r.updated_at < now() - $1::interval
			AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.metadata->>'pipeline_run_id' = r.id::text
				AND j.state IN ('available', 'scheduled', 'retryable', 'running', 'pending'))`, olderThan.String())
	if err != nil {
		return 0, fmt.Errorf("error finding stalled scores: %w", err)
	}
	type stalled struct {
		score, run uuid.UUID
		step       string
	}
	var found []stalled
	var st stalled
	if _, err := pgx.ForEachRow(rows, []any{&st.score, &st.run, &st.step}, func() error {
		found = append(found, st)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("error finding stalled scores: %w", err)
	}
	reason := stalledReason
	for _, s := range found {
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			if err := runs.Fail(ctx, tx, s.run, s.step, reason); err != nil {
				return err
			}
			return store.FinishScore(ctx, tx, s.score, s.run, store.ScoreFailed, &reason)
		})
		if err != nil {
			return 0, err
		}
	}
	return len(found), nil
}
