// Package workers configures the River client that works jobs: its queues and pool sizes,
// fetch tuning, the pipelines it runs, periodic jobs, middleware (logging and metrics), the
// error handler, and graceful shutdown.
package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/define"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/pipelines/account"
	"github.com/mirubato/mirubato/pipelines/analytics"
	"github.com/mirubato/mirubato/pipelines/canary"
	"github.com/mirubato/mirubato/pipelines/dictionary"
	"github.com/mirubato/mirubato/pipelines/fanout"
	"github.com/mirubato/mirubato/pipelines/housekeeping"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// Client is the River client used by every process: insert-only in the API, working in workers.
type Client = river.Client[pgx.Tx]

// Config is the worker side of the process configuration.
type Config struct {
	// ID names the client (River UI, a job's attempted_by); "" means River's default.
	ID string
	// MaxWorkers is the concurrency of each queue; every queue listed is worked.
	MaxWorkers map[string]int
	// FetchCooldown is the least time between two fetches of a queue (River's default is
	// 100 ms, which caps one process near 1,000 jobs/s).
	FetchCooldown time.Duration
	// FetchPollInterval is how often a queue is polled when no LISTEN/NOTIFY wake-up came.
	FetchPollInterval time.Duration
	// JobTimeout bounds a job's run unless its worker sets Timeout; 0 means River's default.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is when a job still running (its worker died) is retried
	// elsewhere; 0 means River's default (1 hour).
	RescueStuckJobsAfter time.Duration
}

// Deps is what the pipelines' workers use.
type Deps struct {
	Pool     *pgxpool.Pool
	Logger   *slog.Logger
	Blobs    blob.Store
	Scores   *scores.Deps
	Embedder embed.Embedder
	// Definitions: the dictionary's completer and rubric setting.
	Completer define.Completer
	Quality   dictionary.Quality
	// IMSLP is the IMSLP import's client and settings (nil: the pipeline is not worked).
	IMSLP *imslp.Deps
	// SyncRetention is how long the sync change log keeps a change (0: the default).
	SyncRetention time.Duration
}

// Pipelines returns the workers and periodic jobs of every pipeline.
func Pipelines(d Deps) (*river.Workers, []*river.PeriodicJob) {
	w := river.NewWorkers()
	river.AddWorker(w, canary.NewWorker(d.Pool))
	river.AddWorker(w, account.NewDeleteWorker(d.Pool, d.Blobs))
	river.AddWorker(w, fanout.NewWorker(d.Pool))
	river.AddWorker(w, housekeeping.NewPruneWorker(d.Pool, d.Logger, nil))
	river.AddWorker(w, housekeeping.NewSyncPruneWorker(d.Pool, d.Logger, d.SyncRetention, nil))
	scores.AddWorkers(w, d.Scores)
	model := ""
	if d.Embedder != nil {
		model = d.Embedder.Model()
	}
	river.AddWorker(w, dictionary.NewDefineWorker(d.Pool, d.Completer, d.Quality, model))
	river.AddWorker(w, dictionary.NewEmbedWorker(d.Pool, d.Embedder))
	river.AddWorker(w, dictionary.NewBackfillWorker(d.Pool, d.Embedder))
	analytics.AddWorkers(w, d.Pool, d.Logger)
	periodic := []*river.PeriodicJob{canary.PeriodicJob(), housekeeping.PeriodicJob(), housekeeping.SyncPruneJob(),
		scores.PeriodicJob(), dictionary.BackfillJob()}
	periodic = append(periodic, analytics.PeriodicJobs()...)
	if d.IMSLP != nil {
		imslp.AddWorkers(w, d.IMSLP)
		periodic = append(periodic, imslp.PeriodicJobs()...)
	}
	return w, periodic
}

// New returns a River client that works every queue of cfg with workers, with our logging,
// metrics and error handling around each job. It is not started.
func New(pool *pgxpool.Pool, cfg Config, logger *slog.Logger, m *metrics.Metrics,
	workers *river.Workers, periodic []*river.PeriodicJob,
) (*Client, error) {
	qs := make(map[string]river.QueueConfig, len(cfg.MaxWorkers))
	for name, n := range cfg.MaxWorkers {
		qs[name] = river.QueueConfig{MaxWorkers: n}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		ID:                   cfg.ID,
		Logger:               logger,
		Queues:               qs,
		Workers:              workers,
		PeriodicJobs:         periodic,
		FetchCooldown:        cfg.FetchCooldown,
		FetchPollInterval:    cfg.FetchPollInterval,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		ErrorHandler:         &errorHandler{logger: logger},
		Middleware:           []rivertype.Middleware{&observe{logger: logger, metrics: m}},
	})
	if err != nil {
		return nil, fmt.Errorf("error creating the River client: %w", err)
	}
	return client, nil
}

// NewInsertOnly returns a River client that only inserts jobs (the API process).
// fetchCooldown also spaces its insert notifications per queue (River's default, 100 ms,
// would leave jobs inserted in between waiting for the workers' next poll); 0 means River's
// default.
func NewInsertOnly(pool *pgxpool.Pool, logger *slog.Logger, fetchCooldown time.Duration) (*Client, error) {
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger, FetchCooldown: fetchCooldown})
	if err != nil {
		return nil, fmt.Errorf("error creating the River client: %w", err)
	}
	return client, nil
}

// Run starts client and works jobs until ctx is cancelled, then stops it within
// shutdownTimeout (see Shutdown), so no accepted work is lost.
func Run(ctx context.Context, client *Client, logger *slog.Logger, shutdownTimeout time.Duration) error {
	// Jobs' contexts descend from Start's: with ctx itself, the signal that ends ctx would
	// cancel every running job at once instead of letting them finish within the timeout.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("error starting the River client: %w", err)
	}
	logger.InfoContext(ctx, "worker started", slog.String("client_id", client.ID()))
	select {
	case <-ctx.Done():
	case <-client.Stopped():
		return errors.New("river client stopped unexpectedly")
	}
	return Shutdown(ctx, client, logger, shutdownTimeout)
}

// maxHardStop is the most a stop waits for cancelled jobs to return.
const maxHardStop = 5 * time.Second

// hardStop is the part of a stop's timeout kept for cancelled jobs to return: 5 s, or half
// of a timeout shorter than 10 s.
func hardStop(timeout time.Duration) time.Duration { return min(maxHardStop, timeout/2) }

// ErrJobsAbandoned is returned by Shutdown when jobs ignored their cancellation: they are
// left running, and River's rescuer retries them once the longer of RIVER_RESCUE_STUCK_AFTER
// and their own timeout has passed since their attempt began.
var ErrJobsAbandoned = errors.New("jobs still running were abandoned to River's rescuer")

// Shutdown stops a started client within timeout in all: running jobs get the timeout less
// the hard stop's share (5 s) to finish, then their contexts are cancelled (River puts them
// back on the queue) and they get that share to return. A platform that kills a process
// some time after SIGTERM (Heroku: 30 s) must wait longer than timeout. It runs to the end
// even when ctx is already cancelled (it usually is: that is why we stop).
func Shutdown(ctx context.Context, client *Client, logger *slog.Logger, timeout time.Duration) error {
	ctx = context.WithoutCancel(ctx)
	hard := hardStop(timeout)
	logger.InfoContext(ctx, "worker stopping", slog.Duration("timeout", timeout), slog.Duration("cancel_after", timeout-hard))
	softCtx, cancel := context.WithTimeout(ctx, timeout-hard)
	defer cancel()
	err := client.Stop(softCtx)
	if err == nil {
		logger.InfoContext(ctx, "worker stopped")
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("error stopping the River client: %w", err)
	}
	logger.WarnContext(ctx, "worker soft stop timed out; cancelling running jobs")
	hardCtx, cancelHard := context.WithTimeout(ctx, hard)
	defer cancelHard()
	if err := client.StopAndCancel(hardCtx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%w: they did not return within %s of their cancellation", ErrJobsAbandoned, hard)
		}
		return fmt.Errorf("error stopping the River client: %w", err)
	}
	logger.InfoContext(ctx, "worker stopped after cancelling jobs")
	return nil
}

// observe logs and measures every job. It sits around the worker, so it sees the job's
// result before River decides to complete, retry, snooze or discard it.
type observe struct {
	river.MiddlewareDefaults
	logger  *slog.Logger
	metrics *metrics.Metrics
}

func (o *observe) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	panicked := true
	defer func() {
		if panicked { // River recovers the panic and reports it to the error handler
			o.metrics.ObserveJob(job.Queue, job.Kind, "panic", time.Since(start))
		}
	}()
	err := doInner(ctx)
	panicked = false
	d := time.Since(start)
	outcome := outcomeOf(ctx, err)
	o.metrics.ObserveJob(job.Queue, job.Kind, outcome, d)
	if o.logger.Enabled(ctx, slog.LevelDebug) {
		o.logger.LogAttrs(ctx, slog.LevelDebug, "job worked",
			slog.Int64("job_id", job.ID), slog.String("kind", job.Kind), slog.String("queue", job.Queue),
			slog.Int("attempt", job.Attempt), slog.String("outcome", outcome),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000))
	}
	return err
}

func outcomeOf(ctx context.Context, err error) string {
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case err == nil:
		return "ok"
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return "interrupted" // the client is stopping; River puts the job back
	case errors.As(err, &snooze):
		return "snoozed"
	case errors.As(err, &cancel):
		return "cancelled"
	default:
		return "error"
	}
}

// errorHandler logs failed jobs once, with what an operator needs to find them.
type errorHandler struct {
	logger *slog.Logger
}

func (h *errorHandler) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	level := slog.LevelWarn // River will retry it
	if job.Attempt >= job.MaxAttempts {
		level = slog.LevelError
	}
	h.logger.LogAttrs(ctx, level, "job failed", jobAttrs(job, slog.Any("error", err))...)
	return nil
}

func (h *errorHandler) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.logger.LogAttrs(ctx, slog.LevelError, "job panicked",
		jobAttrs(job, slog.Any("panic", panicVal), slog.String("trace", trace))...)
	return nil
}

func jobAttrs(job *rivertype.JobRow, extra ...slog.Attr) []slog.Attr {
	return append([]slog.Attr{
		slog.Int64("job_id", job.ID), slog.String("kind", job.Kind), slog.String("queue", job.Queue),
		slog.Int("attempt", job.Attempt), slog.Int("max_attempts", job.MaxAttempts),
	}, extra...)
}
