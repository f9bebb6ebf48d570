package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/pipelines/fanout"
)

// DateLayout is how days travel in job args and the API.
const DateLayout = time.DateOnly

// RollupArgs recomputes one local day of a user, or all of them when Day is empty.
//
// Not a River unique job: River counts a running job as a duplicate, and a running job may
// already have read the day before the change that inserts the next one. analytics_dirty
// deduplicates instead (one job per out-of-date day until its job starts), exactly.
type RollupArgs struct {
	UserID uuid.UUID `json:"user_id"`
	Day    string    `json:"day,omitempty"`
}

// Kind implements river.JobArgs.
func (RollupArgs) Kind() string { return "analytics_rollup" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (RollupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Analytics, MaxAttempts: 10}
}

// RollupUsersArgs recomputes every rollup of a batch of users (the nightly run, backfills).
type RollupUsersArgs struct {
	UserIDs []uuid.UUID `json:"user_ids"`
}

// Kind implements river.JobArgs.
func (RollupUsersArgs) Kind() string { return "analytics_rollup_users" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (RollupUsersArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Analytics, MaxAttempts: 5}
}

// NightlyArgs starts the nightly full rollup: it inserts a RollupUsersArgs job per batch of
// users, and a day job for any out-of-date day no transaction enqueued.
type NightlyArgs struct{}

// Kind implements river.JobArgs.
func (NightlyArgs) Kind() string { return "analytics_nightly" }

// InsertOpts implements river.JobArgsWithInsertOpts: once per day, however many processes
// are leader during it.
func (NightlyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Analytics, UniqueOpts: river.UniqueOpts{ByPeriod: 24 * time.Hour}}
}

// SweepArgs enqueues the day jobs of out-of-date days that no transaction enqueued (a write
// path that forgot EnqueueTx), a safety net between nightly runs.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "analytics_sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Analytics, UniqueOpts: river.UniqueOpts{ByPeriod: SweepInterval}}
}

// Defaults.
const (
	// BatchSize is how many users one full-rollup job or backfill transaction covers.
	BatchSize = 100
	// NightlyHour is the UTC hour of the nightly full rollup.
	NightlyHour = 3
	// SweepInterval is how often forgotten out-of-date days are looked for; a day counts as
	// forgotten after SweepAfter.
	SweepInterval = 10 * time.Minute
	SweepAfter    = time.Minute
	// StaleClaim is when an enqueued or claimed day whose job did not finish gets a new job.
	StaleClaim = time.Hour
)

// EnqueueTx inserts in tx, the transaction that wrote userID's logbook, goals or timezone, a
// rollup job for each day the writes put out of date that has no job yet. Every write path
// of those tables calls it before committing.
func EnqueueTx(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], userID uuid.UUID) error {
	rows, err := tx.Query(ctx, `
		UPDATE analytics_dirty SET enqueued = true, enqueued_at = now() WHERE user_id = $1 AND NOT enqueued
		RETURNING user_id, day`, userID)
	return insertDayJobs(ctx, tx, client, rows, err)
}

func insertDayJobs(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], rows pgx.Rows, err error) error {
	if err != nil {
		return fmt.Errorf("error reading out-of-date days: %w", err)
	}
	var params []river.InsertManyParams
	var user uuid.UUID
	var d pgtype.Date
	if _, err := pgx.ForEachRow(rows, []any{&user, &d}, func() error {
		args := RollupArgs{UserID: user}
		if d.InfinityModifier == pgtype.Finite {
			args.Day = d.Time.Format(DateLayout)
		}
		params = append(params, river.InsertManyParams{Args: args})
		return nil
	}); err != nil {
		return fmt.Errorf("error reading out-of-date days: %w", err)
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("error inserting rollup jobs: %w", err)
	}
	return nil
}

// RollupWorker recomputes a day (or all days) of a user.
type RollupWorker struct {
	river.WorkerDefaults[RollupArgs]
	pool *pgxpool.Pool
}

// NewRollupWorker returns the worker.
func NewRollupWorker(pool *pgxpool.Pool) *RollupWorker { return &RollupWorker{pool: pool} }

// Timeout implements river.Worker: a whole history takes longest.
func (*RollupWorker) Timeout(*river.Job[RollupArgs]) time.Duration { return 5 * time.Minute }

// Work implements river.Worker.
func (w *RollupWorker) Work(ctx context.Context, job *river.Job[RollupArgs]) error {
	var d pgtype.Date
	if job.Args.Day == "" {
		d = pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	} else {
		t, err := time.Parse(DateLayout, job.Args.Day)
		if err != nil {
			return river.JobCancel(fmt.Errorf("day %q is not a date: %w", job.Args.Day, err))
		}
		d = day(t)
	}
	// Claim the day first, on its own: a write that marked the day before waits for this and
	// is read below; one that marks it after unclaims it and inserts a new job. (Its own
	// transaction: writers lock the day's row and their change log in either order, and the
	// rollup's goal updates lock the change log.)
	if _, err := w.pool.Exec(ctx, `
		UPDATE analytics_dirty SET claimed_by = $3, claimed_at = now() WHERE user_id = $1 AND day = $2`,
		job.Args.UserID, d, job.ID); err != nil {
		return fmt.Errorf("error claiming the out-of-date day: %w", err)
	}
	// A failure from here on retries the job, which reads the day again.
	err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		var changed []uuid.UUID
		var err error
		if job.Args.Day == "" {
			changed, err = RollupUsers(ctx, tx, []uuid.UUID{job.Args.UserID})
		} else {
			changed, err = RollupDay(ctx, tx, job.Args.UserID, d.Time)
		}
		if err != nil {
			return err
		}
		return tellDevices(ctx, tx, changed)
	})
	if err != nil {
		return err
	}
	// Done, unless a write changed the day since the claim (its job is on the way, and may
	// have claimed the day itself: only this job's claim is cleared).
	if _, err := w.pool.Exec(ctx, `DELETE FROM analytics_dirty WHERE user_id = $1 AND day = $2 AND claimed_by = $3`,
		job.Args.UserID, d, job.ID); err != nil {
		return fmt.Errorf("error clearing the out-of-date day: %w", err)
	}
	return nil
}

// tellDevices fans out the goal changes a rollup made, in its transaction.
func tellDevices(ctx context.Context, tx pgx.Tx, users []uuid.UUID) error {
	if len(users) == 0 {
		return nil
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("error inserting fan-out jobs: %w", err)
	}
	params := make([]river.InsertManyParams, len(users))
	for i, u := range users {
		params[i] = river.InsertManyParams{Args: fanout.Args{UserID: u}}
	}
	if _, err := client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("error inserting fan-out jobs: %w", err)
	}
	return nil
}

// RollupUsersWorker recomputes a batch of users.
type RollupUsersWorker struct {
	river.WorkerDefaults[RollupUsersArgs]
	pool *pgxpool.Pool
}

// NewRollupUsersWorker returns the worker.
func NewRollupUsersWorker(pool *pgxpool.Pool) *RollupUsersWorker {
	return &RollupUsersWorker{pool: pool}
}

// Timeout implements river.Worker.
func (*RollupUsersWorker) Timeout(*river.Job[RollupUsersArgs]) time.Duration { return 10 * time.Minute }

// Work implements river.Worker.
func (w *RollupUsersWorker) Work(ctx context.Context, job *river.Job[RollupUsersArgs]) error {
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		changed, err := RollupUsers(ctx, tx, job.Args.UserIDs)
		if err != nil {
			return err
		}
		return tellDevices(ctx, tx, changed)
	})
}

// NightlyWorker inserts the nightly run's batch jobs.
type NightlyWorker struct {
	river.WorkerDefaults[NightlyArgs]
	pool   *pgxpool.Pool
	logger *slog.Logger
}

// NewNightlyWorker returns the worker.
func NewNightlyWorker(pool *pgxpool.Pool, logger *slog.Logger) *NightlyWorker {
	return &NightlyWorker{pool: pool, logger: logger}
}

// Work implements river.Worker. Batches are inserted a page of users at a time, each page in
// its own transaction; a retry starts again from the first page, which only repeats work.
func (w *NightlyWorker) Work(ctx context.Context, _ *river.Job[NightlyArgs]) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	if err := sweep(ctx, w.pool, client, 0); err != nil {
		return err
	}
	jobs := 0
	err = EachBatch(ctx, w.pool, BatchSize*50, func(users []uuid.UUID) error {
		var params []river.InsertManyParams
		for i := 0; i < len(users); i += BatchSize {
			params = append(params, river.InsertManyParams{Args: RollupUsersArgs{UserIDs: users[i:min(i+BatchSize, len(users))]}})
		}
		jobs += len(params)
		_, err := client.InsertManyFast(ctx, params)
		return err
	})
	if err != nil {
		return fmt.Errorf("error inserting the nightly rollup's jobs: %w", err)
	}
	w.logger.InfoContext(ctx, "nightly rollup enqueued", slog.Int("jobs", jobs))
	return nil
}

// SweepWorker enqueues forgotten out-of-date days.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	pool *pgxpool.Pool
}

// NewSweepWorker returns the worker.
func NewSweepWorker(pool *pgxpool.Pool) *SweepWorker { return &SweepWorker{pool: pool} }

// Work implements river.Worker.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	return sweep(ctx, w.pool, client, SweepAfter)
}

// sweep enqueues the day jobs of out-of-date days marked more than after ago and never
// enqueued, and of days whose job has not finished within StaleClaim (it ran out of
// attempts, or was cancelled; a day behind a long queue may get a second job, which only
// repeats work).
func sweep(ctx context.Context, pool *pgxpool.Pool, client *river.Client[pgx.Tx], after time.Duration) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			UPDATE analytics_dirty SET enqueued = true, enqueued_at = now(), claimed_by = NULL, claimed_at = NULL
			WHERE (NOT enqueued AND created_at <= now() - $1::interval)
				OR (enqueued AND claimed_by IS NULL AND enqueued_at <= now() - $2::interval)
				OR claimed_at <= now() - $2::interval
			RETURNING user_id, day`, after, StaleClaim)
		return insertDayJobs(ctx, tx, client, rows, err)
	})
}

// EachBatch calls fn with the ids of every user (not being deleted), size at a time, in id
// order.
func EachBatch(ctx context.Context, pool *pgxpool.Pool, size int, fn func([]uuid.UUID) error) error {
	after := uuid.Nil
	for {
		rows, err := pool.Query(ctx, `
			SELECT id FROM users WHERE id > $1 AND deleted_at IS NULL ORDER BY id LIMIT $2`, after, size)
		if err != nil {
			return fmt.Errorf("error listing users: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("error listing users: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := fn(ids); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}

// Backfill recomputes every user's rollups now, batchSize users per transaction and
// concurrency transactions at once; progress (may be nil) is told after each batch.
func Backfill(ctx context.Context, pool *pgxpool.Pool, batchSize, concurrency int, progress func(users int)) error {
	if batchSize < 1 || concurrency < 1 {
		return errors.New("batch size and concurrency must be at least 1")
	}
	batches := make(chan []uuid.UUID)
	errs := make(chan error, concurrency)
	done := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range concurrency {
		go func() {
			for users := range batches {
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					changed, err := RollupUsers(ctx, tx, users)
					if err != nil || len(changed) == 0 {
						return err
					}
					// Goal changes reach connected devices as the fan-out job would tell them.
					_, err = tx.Exec(ctx, `SELECT pg_notify($1, u::text) FROM unnest($2::uuid[]) u`, fanout.Channel, changed)
					return err
				})
				if err != nil {
					errs <- err
					cancel()
					return
				}
				done <- len(users)
			}
			errs <- nil
		}()
	}
	counted := make(chan struct{})
	go func() {
		defer close(counted)
		total := 0
		for n := range done {
			total += n
			if progress != nil {
				progress(total)
			}
		}
	}()
	listErr := EachBatch(ctx, pool, batchSize, func(users []uuid.UUID) error {
		select {
		case batches <- users:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(batches)
	var err error
	for range concurrency {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	close(done)
	<-counted
	if err != nil {
		return err
	}
	return listErr
}

// dailyAt is a periodic schedule: every day at hour (UTC).
type dailyAt struct{ hour int }

// Next implements river.PeriodicSchedule.
func (s dailyAt) Next(t time.Time) time.Time {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day(), s.hour, 0, 0, 0, time.UTC)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// PeriodicJobs returns the nightly full rollup and the sweep; River's leader inserts them,
// so each runs once across all worker processes.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(dailyAt{hour: NightlyHour},
			func() (river.JobArgs, *river.InsertOpts) { return NightlyArgs{}, nil },
			&river.PeriodicJobOpts{ID: "analytics_nightly"}),
		river.NewPeriodicJob(river.PeriodicInterval(SweepInterval),
			func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
			&river.PeriodicJobOpts{ID: "analytics_sweep"}),
	}
}

// AddWorkers registers the pipeline's workers.
func AddWorkers(w *river.Workers, pool *pgxpool.Pool, logger *slog.Logger) {
	river.AddWorker(w, NewRollupWorker(pool))
	river.AddWorker(w, NewRollupUsersWorker(pool))
	river.AddWorker(w, NewNightlyWorker(pool, logger))
	river.AddWorker(w, NewSweepWorker(pool))
}
