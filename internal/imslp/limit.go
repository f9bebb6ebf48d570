package imslp

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PGLimiter is a rate limit shared by every process on one database: one row holds the time
// of the next free turn, and taking a turn moves it on by the interval, atomically. A caller
// whose turn is within MaxWait sleeps until it; one further off is told to retry later (its
// job snoozes), so workers do not sit on a slot waiting.
type PGLimiter struct {
	Pool     *pgxpool.Pool
	Interval time.Duration // 1/rate
	MaxWait  time.Duration
}

// NewPGLimiter returns the limiter for perSecond requests a second (0: nil, no limit).
func NewPGLimiter(pool *pgxpool.Pool, perSecond float64) Limiter {
	if perSecond <= 0 {
		return nil
	}
	interval := time.Duration(float64(time.Second) / perSecond)
	return &PGLimiter{Pool: pool, Interval: interval, MaxWait: max(2*time.Second, 2*interval)}
}

// lateTries is how many turns Wait takes, missing each by more than the slack, before it
// tells the caller to retry later.
const lateTries = 5

// Wait implements Limiter. A turn is a moment, not a permit: a caller that wakes up late
// for its turn (a busy machine) would send its request close to the next caller's, so past
// a slack of a tenth of the interval (at most 25 ms) it gives the turn up and takes another.
func (l *PGLimiter) Wait(ctx context.Context) error {
	slack := min(l.Interval/10, 25*time.Millisecond)
	for range lateTries {
		earliest, latest, err := l.take(ctx)
		if err != nil {
			return err
		}
		if wait := time.Until(latest); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
		if time.Since(earliest) <= slack {
			return nil
		}
	}
	return &RetryLater{After: time.Second, Reason: "this process keeps missing its IMSLP turns (it is too busy)"}
}

// take takes the next turn and returns when it is on this process's clock, as the earliest
// it can be (counted from before the query) and the latest (from its answer). A caller
// sleeps until the latest, so it is never early, and counts its lateness from the earliest,
// so a slow answer is lateness, never time in hand.
func (l *PGLimiter) take(ctx context.Context) (earliest, latest time.Time, err error) {
	// The turn is the later of now and the next free time; it is ours only if within MaxWait.
	asked := time.Now()
	var wait time.Duration
	var ok bool
	err = l.Pool.QueryRow(ctx, `
		WITH turn AS (SELECT greatest(next_at, clock_timestamp()) AS at FROM imslp_rate FOR UPDATE),
		took AS (
			UPDATE imslp_rate SET next_at = turn.at + $1::interval FROM turn
			WHERE turn.at <= clock_timestamp() + $2::interval RETURNING turn.at
		)
		SELECT EXISTS (SELECT 1 FROM took), (SELECT at FROM turn) - clock_timestamp()`, l.Interval, l.MaxWait).Scan(&ok, &wait)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("error taking a turn of the IMSLP rate limit: %w", err)
	}
	if !ok {
		return time.Time{}, time.Time{}, &RetryLater{After: wait, Reason: "the IMSLP rate limit has no turn free soon"}
	}
	wait = max(wait, 0)
	return asked.Add(wait), time.Now().Add(wait), nil
}
