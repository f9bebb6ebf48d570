package runs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/runs"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// A test pipeline: split → one job per page (fan-out) → finish (fan-in).

type splitArgs struct {
	RunID uuid.UUID `json:"run_id"`
	Pages int       `json:"pages"`
}

func (splitArgs) Kind() string { return "test_split" }

type pageArgs struct {
	RunID     uuid.UUID `json:"run_id"`
	Page      int       `json:"page"`
	FailFirst bool      `json:"fail_first"` // fails its first attempt: retried
	Broken    bool      `json:"broken"`     // cannot be done: fails the run
}

func (pageArgs) Kind() string { return "test_page" }

type finishArgs struct {
	RunID uuid.UUID `json:"run_id"`
}

func (finishArgs) Kind() string { return "test_finish" }

type pipeline struct{ pool *pgxpool.Pool }

// inTx runs fn in a transaction and records that the job ran (every attempt).
func (p *pipeline) inTx(ctx context.Context, kind string, runID uuid.UUID, n int, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO test_work (run_id, kind, n) VALUES ($1, $2, $3)`, runID, kind, n); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (p *pipeline) workers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[splitArgs]) error {
		client := river.ClientFromContext[pgx.Tx](ctx)
		return p.inTx(ctx, "split", job.Args.RunID, 0, func(tx pgx.Tx) error {
			return runs.Done(ctx, tx, client, job, job.Args.RunID, "split", func(context.Context, pgx.Tx) (runs.Next, error) {
				next := runs.Next{Step: "page"}
				for i := range job.Args.Pages {
					next.Jobs = append(next.Jobs, river.InsertManyParams{Args: pageArgs{RunID: job.Args.RunID, Page: i, FailFirst: i == 3, Broken: job.Args.Pages == 5 && i == 2}})
				}
				return next, nil
			})
		})
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[pageArgs]) error {
		if job.Args.FailFirst && job.Attempt == 1 {
			return errors.New("transient trouble")
		}
		if job.Args.Broken {
			if err := runs.Fail(ctx, p.pool, job.Args.RunID, "page", fmt.Sprintf("page %d cannot be read", job.Args.Page+1)); err != nil {
				return err
			}
			return river.JobCancel(errors.New("page cannot be read"))
		}
		client := river.ClientFromContext[pgx.Tx](ctx)
		err := p.inTx(ctx, "page", job.Args.RunID, job.Args.Page, func(tx pgx.Tx) error {
			return runs.Done(ctx, tx, client, job, job.Args.RunID, "page", func(context.Context, pgx.Tx) (runs.Next, error) {
				return runs.Next{Step: "finish", Jobs: []river.InsertManyParams{{Args: finishArgs{RunID: job.Args.RunID}}}}, nil
			})
		})
		if errors.Is(err, runs.ErrNotRunning) {
			return nil // the run failed meanwhile: nothing more to do, and the job is done
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[finishArgs]) error {
		client := river.ClientFromContext[pgx.Tx](ctx)
		return p.inTx(ctx, "finish", job.Args.RunID, 0, func(tx pgx.Tx) error {
			return runs.Done(ctx, tx, client, job, job.Args.RunID, "finish", func(context.Context, pgx.Tx) (runs.Next, error) {
				return runs.Next{}, nil
			})
		})
	}))
	return w
}

func setup(t *testing.T) (*pipeline, []*river.Client[pgx.Tx]) {
	t.Helper()
	pool, _ := dbtest.NewDatabase(t)
	_, err := pool.Exec(context.Background(), `CREATE TABLE test_work (run_id uuid, kind text, n int)`)
	require.NoError(t, err)
	p := &pipeline{pool: pool}
	var clients []*river.Client[pgx.Tx]
	for range 2 { // two worker processes compete
		c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
			Logger: dbtest.Logger(t), Workers: p.workers(),
			Queues:        map[string]river.QueueConfig{queues.Default: {MaxWorkers: 8}},
			FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond,
		})
		require.NoError(t, err)
		require.NoError(t, c.Start(context.Background()))
		t.Cleanup(func() { require.NoError(t, c.Stop(context.Background())) })
		clients = append(clients, c)
	}
	return p, clients
}

func start(t *testing.T, p *pipeline, client *river.Client[pgx.Tx], pages int) *store.Run {
	t.Helper()
	ctx := context.Background()
	tx, err := p.pool.Begin(ctx)
	require.NoError(t, err)
	run, err := runs.Start(ctx, tx, client, runs.StartParams{Kind: "test", Subject: "score-1",
		First: func(id uuid.UUID) runs.Next {
			return runs.Next{Step: "split", Jobs: []river.InsertManyParams{{Args: splitArgs{RunID: id, Pages: pages}}}}
		}})
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	return run
}

func waitFor(t *testing.T, p *pipeline, id uuid.UUID, state string) *store.Run {
	t.Helper()
	var run *store.Run
	require.Eventually(t, func() bool {
		var err error
		run, err = store.GetRun(context.Background(), p.pool, id)
		return err == nil && run.State == state
	}, 30*time.Second, 20*time.Millisecond)
	return run
}

func TestRunFansOutAndInExactlyOnce(t *testing.T) {
	t.Parallel()
	p, clients := setup(t)
	const pages = 40
	run := start(t, p, clients[0], pages)
	done := waitFor(t, p, run.ID, store.RunDone)

	require.Equal(t, "finish", done.Step)
	require.Zero(t, done.Outstanding)
	require.Equal(t, store.RunStep{State: "done", Done: pages, Total: pages}, stripTimes(done.Steps["page"]))
	require.Equal(t, 1, done.Steps["finish"].Done)
	require.NotNil(t, done.FinishedAt)

	var splits, pageRuns, distinctPages, finishes int
	require.NoError(t, p.pool.QueryRow(context.Background(), `SELECT
		count(*) FILTER (WHERE kind = 'split'), count(*) FILTER (WHERE kind = 'page'),
		count(DISTINCT n) FILTER (WHERE kind = 'page'), count(*) FILTER (WHERE kind = 'finish')
		FROM test_work WHERE run_id = $1`, run.ID).Scan(&splits, &pageRuns, &distinctPages, &finishes))
	require.Equal(t, 1, splits)
	require.Equal(t, pages, pageRuns, "every page once (the page that failed once was retried, not counted twice)")
	require.Equal(t, pages, distinctPages)
	require.Equal(t, 1, finishes, "the next step was inserted exactly once")

	var tagged int
	require.NoError(t, p.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM river_job WHERE metadata->>'pipeline_run_id' = $1`, run.ID.String()).Scan(&tagged))
	require.Equal(t, pages+2, tagged, "every job carries its run's id")
}

func TestRunFailsWithAReason(t *testing.T) {
	t.Parallel()
	p, clients := setup(t)
	run := start(t, p, clients[0], 5) // page 3 of 5 is broken
	failed := waitFor(t, p, run.ID, store.RunFailed)
	require.Equal(t, "page 3 cannot be read", *failed.Error)
	require.Equal(t, "failed", failed.Steps["page"].State)
	// Nothing of the next step ever starts.
	time.Sleep(300 * time.Millisecond)
	var finishes int
	require.NoError(t, p.pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'test_finish'`).Scan(&finishes))
	require.Zero(t, finishes)
}

func stripTimes(s store.RunStep) store.RunStep {
	s.StartedAt, s.FinishedAt = time.Time{}, nil
	return s
}
