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

// Wait implements Limiter.
func (l *PGLimiter) Wait(ctx context.Context) error {
	// The turn is the later of now and the next free time; it is ours only if within MaxWait.
	var wait time.Duration
	var ok bool
	err := l.Pool.QueryRow(ctx, `
		WITH turn AS (SELECT greatest(next_at, clock_timestamp()) AS at FROM imslp_rate FOR UPDATE),
		took AS (
			UPDATE imslp_rate SET next_at = turn.at + $1::interval FROM turn
			WHERE turn.at <= clock_timestamp() + $2::interval RETURNING turn.at
		)
		SELECT EXISTS (SELECT 1 FROM took), (SELECT at FROM turn) - clock_timestamp()`, l.Interval, l.MaxWait).Scan(&ok, &wait)
	if err != nil {
		return fmt.Errorf("error taking a turn of the IMSLP rate limit: %w", err)
	}
	if !ok {
		return &RetryLater{After: wait, Reason: "the IMSLP rate limit has no turn free soon"}
	}
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
