package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/store"
)

// TestHitNWhenBusy: a hit on a counter whose row is held gives up after LimitWait with
// ErrLimitBusy, and leaves its connection usable (a failed batch once left it inside an
// aborted transaction, so the pool destroyed it: a new connection for every busy answer).
func TestHitNWhenBusy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	now := time.Now()
	hits, err := store.HitN(ctx, pool, "busy", 2, time.Minute, now)
	require.NoError(t, err)
	require.Equal(t, 2, hits)

	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	_, err = holder.Exec(ctx, `SELECT 1 FROM rate_limits WHERE key = 'busy' FOR UPDATE`)
	require.NoError(t, err)
	_, err = store.HitN(ctx, pool, "busy", 1, time.Minute, now) // (a second connection: the holder has the first)
	require.ErrorIs(t, err, store.ErrLimitBusy)
	before := pool.Stat().NewConnsCount()
	for range 3 {
		_, err = store.HitN(ctx, pool, "busy", 1, time.Minute, now)
		require.ErrorIs(t, err, store.ErrLimitBusy)
	}
	require.NoError(t, holder.Rollback(ctx))
	hits, err = store.HitN(ctx, pool, "busy", 1, time.Minute, now)
	require.NoError(t, err)
	require.Equal(t, 3, hits, "the busy hits counted nothing")
	require.Equal(t, before, pool.Stat().NewConnsCount(), "no connection was thrown away")
}
