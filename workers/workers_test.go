package workers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/db"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/workers"
)

// childDBEnv, when set, makes the test binary a worker process for TestKilledWorkerProcess;
// childStopDBEnv, one for TestWorkerProcessStopsInTime.
const (
	childDBEnv     = "MIRUBATO_TEST_CHILD_WORKER_DB"
	childStopDBEnv = "MIRUBATO_TEST_CHILD_STOPPING_WORKER_DB"
)

func TestMain(m *testing.M) {
	if dbURL := os.Getenv(childDBEnv); dbURL != "" {
		runChildWorker(dbURL) // never returns: the parent test kills this process
	}
	if dbURL := os.Getenv(childStopDBEnv); dbURL != "" {
		os.Exit(runStoppingWorker(dbURL))
	}
	dbtest.Main(m)
}

// runStoppingWorker is a worker process as `mirubato worker` runs one: it works jobs until
// SIGTERM, then stops with the default SHUTDOWN_TIMEOUT and closes its pool as runWorker
// does. Its jobs: test_block (honours cancellation) and test_stubborn (ignores it for a
// minute, holding a database connection).
func runStoppingWorker(dbURL string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load([]string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=development"})
	if err != nil {
		panic(err)
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		panic(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	w := river.NewWorkers()
	river.AddWorker(w, &blockWorker{started: make(chan struct{})})
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[stubbornArgs]) error {
		conn, err := pool.Acquire(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		defer conn.Release()
		time.Sleep(time.Minute) // deaf to ctx
		return nil
	}))
	c, err := workers.New(pool, workers.Config{
		MaxWorkers: map[string]int{queues.Default: 2}, FetchCooldown: time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond, JobTimeout: time.Hour, RescueStuckJobsAfter: time.Hour,
	}, logger, metrics.New(), w, nil)
	if err != nil {
		panic(err)
	}
	err = workers.Run(ctx, c, logger, cfg.ShutdownTimeout)
	db.CloseWithin(pool, 2*time.Second) // as runWorker (roles.go)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	return 0
}

// stubbornArgs is a test job that ignores its cancellation.
type stubbornArgs struct{}

func (stubbornArgs) Kind() string { return "test_stubborn" }

// runChildWorker works test_block jobs (which never finish) until the process is killed.
func runChildWorker(dbURL string) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		panic(err)
	}
	w := river.NewWorkers()
	river.AddWorker(w, &blockWorker{started: make(chan struct{})})
	c, err := workers.New(pool, workers.Config{
		MaxWorkers: map[string]int{queues.Default: 1}, FetchCooldown: time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond, JobTimeout: time.Hour,
	}, slog.New(slog.DiscardHandler), metrics.New(), w, nil)
	if err != nil {
		panic(err)
	}
	if err := c.Start(ctx); err != nil {
		panic(err)
	}
	select {}
}

// recordArgs is a test job whose every execution leaves a row in test_runs.
type recordArgs struct {
	N int `json:"n"`
}

func (recordArgs) Kind() string { return "test_record" }

type recordWorker struct {
	river.WorkerDefaults[recordArgs]
	pool *pgxpool.Pool
}

func (w *recordWorker) Work(ctx context.Context, job *river.Job[recordArgs]) error {
	time.Sleep(time.Millisecond) // a little work, so that no single client can take every job
	_, err := w.pool.Exec(ctx, `INSERT INTO test_runs (job_id, n, client_id) VALUES ($1, $2, $3)`,
		job.ID, job.Args.N, job.AttemptedBy[len(job.AttemptedBy)-1])
	return err
}

// blockArgs is a test job that runs until its context is cancelled, unless told to finish.
type blockArgs struct {
	Finish bool `json:"finish"`
}

func (blockArgs) Kind() string { return "test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started chan struct{}
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	if job.Args.Finish {
		return nil
	}
	close(w.started)
	<-ctx.Done()
	return ctx.Err()
}

type testBundle struct {
	dbURL   string
	pool    *pgxpool.Pool
	metrics *metrics.Metrics
	cfg     workers.Config
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool, dbURL := dbtest.NewDatabase(t)
	_, err := pool.Exec(context.Background(),
		`CREATE TABLE test_runs (job_id bigint NOT NULL, n int NOT NULL, client_id text NOT NULL)`)
	require.NoError(t, err)
	return &testBundle{
		dbURL:   dbURL,
		pool:    pool,
		metrics: metrics.New(),
		cfg: workers.Config{
			MaxWorkers:        map[string]int{queues.Default: 10},
			FetchCooldown:     time.Millisecond,
			FetchPollInterval: 50 * time.Millisecond,
		},
	}
}

func (b *testBundle) client(t *testing.T, register func(*river.Workers)) *workers.Client {
	t.Helper()
	w := river.NewWorkers()
	register(w)
	c, err := workers.New(b.pool, b.cfg, dbtest.Logger(t), b.metrics, w, nil)
	require.NoError(t, err)
	return c
}

func TestTransactionalEnqueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	register := func(w *river.Workers) { river.AddWorker(w, &recordWorker{pool: b.pool}) }
	inserter := b.client(t, register)

	// Rolled back: the job must never exist, so never run.
	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	_, err = inserter.InsertTx(ctx, tx, recordArgs{N: -1}, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))

	// Committed: one with InsertTx, then 299 more in one transaction.
	const n = 300
	tx, err = b.pool.Begin(ctx)
	require.NoError(t, err)
	_, err = inserter.InsertTx(ctx, tx, recordArgs{N: 0}, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	params := make([]river.InsertManyParams, n-1)
	for i := range params {
		params[i] = river.InsertManyParams{Args: recordArgs{N: i + 1}}
	}
	tx, err = b.pool.Begin(ctx)
	require.NoError(t, err)
	_, err = inserter.InsertManyTx(ctx, tx, params)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	// Two worker clients compete for them.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	clients := []*workers.Client{b.client(t, register), b.client(t, register)}
	for _, c := range clients {
		require.NoError(t, c.Start(ctx))
	}
	require.Eventually(t, func() bool {
		var done int
		require.NoError(t, b.pool.QueryRow(ctx,
			`SELECT count(*) FROM river_job WHERE kind = 'test_record' AND state = 'completed'`).Scan(&done))
		return done == n
	}, 30*time.Second, 20*time.Millisecond)
	for _, c := range clients {
		require.NoError(t, workers.Shutdown(ctx, c, dbtest.Logger(t), 5*time.Second))
	}

	var runs, distinct, rolledBack, byClients int
	require.NoError(t, b.pool.QueryRow(ctx, `
		SELECT count(*), count(DISTINCT n), count(*) FILTER (WHERE n = -1), count(DISTINCT client_id)
		FROM test_runs`).Scan(&runs, &distinct, &rolledBack, &byClients))
	require.Equal(t, n, runs, "every committed job runs exactly once")
	require.Equal(t, n, distinct)
	require.Zero(t, rolledBack, "a job inserted in a rolled-back transaction never runs")
	require.Equal(t, 2, byClients, "both clients worked jobs")

	var rolledBackRows int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE args->>'n' = '-1'`).Scan(&rolledBackRows))
	require.Zero(t, rolledBackRows)

	require.InDelta(t, float64(n), counterSum(t, b.metrics, "mirubato_jobs_worked_total",
		map[string]string{"kind": "test_record", "outcome": "ok"}), 0)
}

func TestShutdown(t *testing.T) {
	t.Parallel()

	t.Run("RunningJobIsCancelledAndRetriedNotLost", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		b := setup(t)
		started := make(chan struct{})
		c := b.client(t, func(w *river.Workers) { river.AddWorker(w, &blockWorker{started: started}) })
		require.NoError(t, c.Start(ctx))
		res, err := c.Insert(ctx, blockArgs{}, nil)
		require.NoError(t, err)
		<-started

		// The soft stop cannot finish (the job ignores it), so the hard stop cancels the job.
		require.NoError(t, workers.Shutdown(ctx, c, dbtest.Logger(t), 2*time.Second))
		job, err := c.JobGet(ctx, res.Job.ID)
		require.NoError(t, err)
		// River hands a job interrupted by shutdown straight back to the queue.
		require.Equal(t, rivertype.JobStateAvailable, job.State)
		require.InDelta(t, 1, counterSum(t, b.metrics, "mirubato_jobs_worked_total", map[string]string{"outcome": "interrupted"}), 0)

		// Another worker process picks it up and finishes it.
		_, err = b.pool.Exec(ctx, `UPDATE river_job SET args = '{"finish": true}', scheduled_at = now() WHERE id = $1`, job.ID)
		require.NoError(t, err)
		c2 := b.client(t, func(w *river.Workers) { river.AddWorker(w, &blockWorker{}) })
		require.NoError(t, c2.Start(ctx))
		require.Eventually(t, func() bool {
			j, err := c2.JobGet(ctx, job.ID)
			return err == nil && j.State == rivertype.JobStateCompleted
		}, 10*time.Second, 20*time.Millisecond)
		require.NoError(t, workers.Shutdown(ctx, c2, dbtest.Logger(t), 5*time.Second))
	})

	t.Run("SignalLetsRunningJobsFinish", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		started := make(chan struct{})
		slow := river.WorkFunc(func(ctx context.Context, job *river.Job[recordArgs]) error {
			close(started)
			select {
			case <-time.After(300 * time.Millisecond): // a job that honours its context
			case <-ctx.Done():
				return ctx.Err()
			}
			_, err := b.pool.Exec(ctx, `INSERT INTO test_runs (job_id, n, client_id) VALUES ($1, $2, 'slow')`, job.ID, job.Args.N)
			return err
		})
		c := b.client(t, func(w *river.Workers) { river.AddWorker(w, slow) })
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- workers.Run(ctx, c, dbtest.Logger(t), 10*time.Second) }()
		res, err := c.Insert(context.Background(), recordArgs{N: 42}, nil)
		require.NoError(t, err)
		<-started
		cancel() // SIGTERM
		require.NoError(t, <-errc)

		job, err := c.JobGet(context.Background(), res.Job.ID)
		require.NoError(t, err)
		require.Equal(t, rivertype.JobStateCompleted, job.State, "the running job finished during the soft stop")
		var n int
		require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM test_runs WHERE n = 42`).Scan(&n))
		require.Equal(t, 1, n)
	})

	t.Run("RunStopsWhenContextEnds", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.client(t, func(w *river.Workers) { river.AddWorker(w, &recordWorker{pool: b.pool}) })
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- workers.Run(ctx, c, dbtest.Logger(t), time.Second) }()
		_, err := c.Insert(context.Background(), recordArgs{N: 7}, nil)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			var n int
			_ = b.pool.QueryRow(context.Background(), `SELECT count(*) FROM test_runs WHERE n = 7`).Scan(&n)
			return n == 1
		}, 10*time.Second, 20*time.Millisecond)
		cancel()
		select {
		case err := <-errc:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	})
}

// TestKilledWorkerProcess kills (SIGKILL) a worker process in the middle of a job: no
// graceful anything. Another worker must rescue the job and finish it.
func TestKilledWorkerProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	pool := b.pool

	inserter, err := workers.NewInsertOnly(pool, dbtest.Logger(t), 0)
	require.NoError(t, err)
	res, err := inserter.Insert(ctx, blockArgs{}, nil)
	require.NoError(t, err)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDBEnv+"="+b.dbURL)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.Eventually(t, func() bool {
		var state string
		_ = pool.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, res.Job.ID).Scan(&state)
		return state == "running"
	}, 20*time.Second, 20*time.Millisecond)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	// A surviving worker, with a short rescue delay so the test need not wait ten minutes.
	w := river.NewWorkers()
	river.AddWorker(w, river.WorkFunc(func(context.Context, *river.Job[blockArgs]) error { return nil }))
	c, err := workers.New(pool, workers.Config{
		MaxWorkers: map[string]int{queues.Default: 2}, FetchCooldown: time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond, JobTimeout: 500 * time.Millisecond,
		RescueStuckJobsAfter: time.Second,
	}, dbtest.Logger(t), b.metrics, w, nil)
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { require.NoError(t, workers.Shutdown(ctx, c, dbtest.Logger(t), 5*time.Second)) })

	// Leadership passes from the dead process within seconds; the rescuer then retries the job.
	require.Eventually(t, func() bool {
		j, err := c.JobGet(ctx, res.Job.ID)
		return err == nil && j.State == rivertype.JobStateCompleted
	}, 60*time.Second, 100*time.Millisecond)
	j, err := c.JobGet(ctx, res.Job.ID)
	require.NoError(t, err)
	require.Equal(t, 2, j.Attempt, "worked once by the killed process, once after rescue")
}

// longArgs is a test job longer than RescueStuckJobsAfter but within its own timeout.
type longArgs struct{}

func (longArgs) Kind() string { return "test_long" }

type longWorker struct {
	river.WorkerDefaults[longArgs]
	release chan struct{}
}

func (w *longWorker) Timeout(*river.Job[longArgs]) time.Duration { return 2 * time.Minute }

func (w *longWorker) Work(ctx context.Context, _ *river.Job[longArgs]) error {
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestRescueWaitsForAJobsOwnTimeout: River rescues a running job only after the longer of
// RescueStuckJobsAfter and the job's own timeout. So RIVER_RESCUE_STUCK_AFTER can be short
// (a dead worker's short jobs run again soon) without a live worker's long job (an IMSLP
// import, an analytics rollup) being run twice: in the same pass of the rescuer that
// rescues a dead worker's job, a live job running for longer than RescueStuckJobsAfter but
// within its own timeout is left alone.
func TestRescueWaitsForAJobsOwnTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	b.cfg.JobTimeout, b.cfg.RescueStuckJobsAfter = 500*time.Millisecond, time.Second
	long := &longWorker{release: make(chan struct{})}
	c := b.client(t, func(w *river.Workers) {
		river.AddWorker(w, long)
		river.AddWorker(w, &recordWorker{pool: b.pool})
	})
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { require.NoError(t, workers.Shutdown(ctx, c, dbtest.Logger(t), 5*time.Second)) })
	res, err := c.Insert(ctx, longArgs{}, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		j, err := c.JobGet(ctx, res.Job.ID)
		return err == nil && j.State == rivertype.JobStateRunning && time.Since(*j.AttemptedAt) > 2*time.Second
	}, 20*time.Second, 20*time.Millisecond)

	// A dead worker's job (running, attempted long ago, of a kind with the client's timeout).
	var dead int64
	require.NoError(t, b.pool.QueryRow(ctx, `INSERT INTO river_job (kind, args, state, attempt, attempted_at, attempted_by, max_attempts, queue, priority)
		VALUES ('test_record', '{"n": 1}', 'running', 1, now() - interval '1 hour', '{dead-worker}', 25, 'default', 1) RETURNING id`).Scan(&dead))
	// River's rescuer looks every 30 s.
	require.Eventually(t, func() bool {
		j, err := c.JobGet(ctx, dead)
		return err == nil && j.State != rivertype.JobStateRunning
	}, 45*time.Second, 100*time.Millisecond, "the dead worker's job was never rescued")

	j, err := c.JobGet(ctx, res.Job.ID)
	require.NoError(t, err)
	require.Equal(t, rivertype.JobStateRunning, j.State, "the long job is still running, not rescued")
	require.Equal(t, 1, j.Attempt)
	require.Empty(t, j.Errors)
	require.Greater(t, time.Since(*j.AttemptedAt), b.cfg.RescueStuckJobsAfter)
	close(long.release)
	require.Eventually(t, func() bool {
		j, err := c.JobGet(ctx, res.Job.ID)
		return err == nil && j.State == rivertype.JobStateCompleted && j.Attempt == 1
	}, 10*time.Second, 20*time.Millisecond)
}

// TestWorkerProcessStopsInTime: a worker process sent SIGTERM while it runs a job that
// honours its cancellation and one that ignores it (holding a database connection) exits
// within the default SHUTDOWN_TIMEOUT and the pool's close, under the 30 s after which a
// platform kills it; the first job is back on the queue at once, the other is left running
// for River's rescuer, which retries it: neither is lost.
func TestWorkerProcessStopsInTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	inserter, err := workers.NewInsertOnly(b.pool, dbtest.Logger(t), 0)
	require.NoError(t, err)
	polite, err := inserter.Insert(ctx, blockArgs{}, nil)
	require.NoError(t, err)
	stubborn, err := inserter.Insert(ctx, stubbornArgs{}, nil)
	require.NoError(t, err)

	var stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childStopDBEnv+"="+b.dbURL)
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker's log:\n%s", stderr.String())
		}
	})
	require.Eventually(t, func() bool {
		var running int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE id = ANY($1) AND state = 'running'`,
			[]int64{polite.Job.ID, stubborn.Job.ID}).Scan(&running))
		return running == 2
	}, 20*time.Second, 20*time.Millisecond)

	sent := time.Now()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	took := time.Since(sent)
	t.Logf("exited %s after SIGTERM: %v", took.Round(time.Millisecond), err)
	// By design 25 s (SHUTDOWN_TIMEOUT) and the pool's 2 s: under the 30 s after which a
	// platform kills the process.
	require.Less(t, took, 30*time.Second, "gone before a platform's SIGKILL")
	require.Greater(t, took, 19*time.Second, "running jobs had SHUTDOWN_TIMEOUT less 5 s to finish")
	require.Contains(t, stderr.String(), "jobs still running were abandoned to River's rescuer")

	state := func(id int64) rivertype.JobState {
		j, err := inserter.JobGet(ctx, id)
		require.NoError(t, err)
		return j.State
	}
	require.Equal(t, rivertype.JobStateAvailable, state(polite.Job.ID), "cancelled and put back on the queue")
	require.Equal(t, rivertype.JobStateRunning, state(stubborn.Job.ID), "left for the rescuer")

	// Another worker finishes both (River's rescuer retries the abandoned one).
	b.cfg.JobTimeout, b.cfg.RescueStuckJobsAfter = 500*time.Millisecond, time.Second
	c := b.client(t, func(w *river.Workers) {
		river.AddWorker(w, river.WorkFunc(func(context.Context, *river.Job[blockArgs]) error { return nil }))
		river.AddWorker(w, river.WorkFunc(func(context.Context, *river.Job[stubbornArgs]) error { return nil }))
	})
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { require.NoError(t, workers.Shutdown(ctx, c, dbtest.Logger(t), 5*time.Second)) })
	require.Eventually(t, func() bool {
		return state(polite.Job.ID) == rivertype.JobStateCompleted && state(stubborn.Job.ID) == rivertype.JobStateCompleted
	}, 60*time.Second, 100*time.Millisecond)
}

func TestErrorsAreCountedByOutcome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	failing := river.WorkFunc(func(ctx context.Context, job *river.Job[recordArgs]) error {
		if job.Args.N == 1 {
			return river.JobCancel(errors.New("cannot be done"))
		}
		return fmt.Errorf("boom %d", job.Args.N)
	})
	c := b.client(t, func(w *river.Workers) { river.AddWorker(w, failing) })
	require.NoError(t, c.Start(ctx))
	_, err := c.InsertMany(ctx, []river.InsertManyParams{
		{Args: recordArgs{N: 1}}, {Args: recordArgs{N: 2}, InsertOpts: &river.InsertOpts{MaxAttempts: 1}},
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		_ = b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state IN ('cancelled', 'discarded')`).Scan(&n)
		return n == 2
	}, 10*time.Second, 20*time.Millisecond)
	require.NoError(t, workers.Shutdown(ctx, c, dbtest.Logger(t), 5*time.Second))
	require.InDelta(t, 1, counterSum(t, b.metrics, "mirubato_jobs_worked_total", map[string]string{"outcome": "cancelled"}), 0)
	require.InDelta(t, 1, counterSum(t, b.metrics, "mirubato_jobs_worked_total", map[string]string{"outcome": "error"}), 0)
}

// counterSum adds up the counter series of name whose labels include want.
func counterSum(t *testing.T, m *metrics.Metrics, name string, want map[string]string) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, metric := range f.GetMetric() {
			if labelsMatch(metric, want) {
				sum += metric.GetCounter().GetValue()
			}
		}
	}
	return sum
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	have := map[string]string{}
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
