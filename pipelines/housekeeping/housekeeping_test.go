package housekeeping_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/housekeeping"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	now := time.Now()
	u, err := store.EnsureUser(ctx, pool, "keep@example.com")
	require.NoError(t, err)

	// Old and fresh rows of each kind.
	require.NoError(t, store.CreateMagicLink(ctx, pool, []byte("old-link"), "a@example.com", now.Add(-48*time.Hour)))
	require.NoError(t, store.CreateMagicLink(ctx, pool, []byte("new-link"), "a@example.com", now.Add(time.Minute)))
	require.NoError(t, store.CreateRefreshToken(ctx, pool, []byte("old-rt"), uuid.New(), u.ID, now.Add(-48*time.Hour)))
	require.NoError(t, store.CreateRefreshToken(ctx, pool, []byte("new-rt"), uuid.New(), u.ID, now.Add(time.Hour)))
	_, err = store.Hit(ctx, pool, "old-window", time.Minute, now.Add(-48*time.Hour))
	require.NoError(t, err)
	_, err = store.Hit(ctx, pool, "new-window", time.Minute, now)
	require.NoError(t, err)

	w := housekeeping.NewPruneWorker(pool, dbtest.Logger(t), func() time.Time { return now })
	require.NoError(t, w.Work(ctx, &river.Job[housekeeping.PruneArgs]{}))

	var links, tokens, windows int
	require.NoError(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM magic_links), (SELECT count(*) FROM refresh_tokens),
		(SELECT count(*) FROM rate_limits)`).Scan(&links, &tokens, &windows))
	require.Equal(t, []int{1, 1, 1}, []int{links, tokens, windows}, "only the expired rows went")
}
