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

// TestSyncPrune: the change log loses what is older than the retention, only from the start
// of each user's log, and a cursor inside what was pruned is told so while one after it
// catches up.
func TestSyncPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	now := time.Now()
	old, err := store.EnsureUser(ctx, pool, "old@example.com")
	require.NoError(t, err)
	fresh, err := store.EnsureUser(ctx, pool, "fresh@example.com")
	require.NoError(t, err)
	for i := range 6 {
		_, err := store.SetPreferences(ctx, pool, old.ID, map[string]any{"n": i})
		require.NoError(t, err)
		_, err = store.SetPreferences(ctx, pool, fresh.ID, map[string]any{"n": i})
		require.NoError(t, err)
	}
	// old's changes 1–4 are 100 days old, except 3: it began (created_at is the transaction's
	// start) just after the retention's edge but took its seq after 4's. fresh's are new.
	_, err = pool.Exec(ctx, `UPDATE sync_changes SET created_at = $2::timestamptz + seq * interval '1 hour'
		WHERE user_id = $1 AND seq IN (1, 2, 4)`, old.ID, now.Add(-100*24*time.Hour))
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE sync_changes SET created_at = $2 WHERE user_id = $1 AND seq = 3`,
		old.ID, now.Add(-90*24*time.Hour+time.Minute))
	require.NoError(t, err)

	// One small batch at a time, each a prefix of the log.
	n, err := store.PruneChanges(ctx, pool, now.Add(-90*24*time.Hour), 1)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	_, _, err = store.ChangesSince(ctx, pool, old.ID, 0, 10)
	require.ErrorIs(t, err, store.ErrChangesPruned, "change 1 is gone")
	changes, _, err := store.ChangesSince(ctx, pool, old.ID, 1, 10)
	require.NoError(t, err)
	require.Len(t, changes, 5, "a cursor right at the edge catches up")

	w := housekeeping.NewSyncPruneWorker(pool, dbtest.Logger(t), 0, func() time.Time { return now })
	require.NoError(t, w.Work(ctx, &river.Job[housekeeping.SyncPruneArgs]{}))

	seqs := func(user uuid.UUID) []int64 {
		var out []int64
		require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(array_agg(seq ORDER BY seq), '{}') FROM sync_changes WHERE user_id = $1`,
			user).Scan(&out))
		return out
	}
	require.Equal(t, []int64{5, 6}, seqs(old.ID), "the old changes went, 3 with them (no gap), the newer stayed")
	require.Equal(t, []int64{1, 2, 3, 4, 5, 6}, seqs(fresh.ID), "another user's newer changes stayed")

	for _, cursor := range []int64{0, 1, 3} {
		_, _, err = store.ChangesSince(ctx, pool, old.ID, cursor, 10)
		require.ErrorIs(t, err, store.ErrChangesPruned, "cursor %d", cursor)
	}
	changes, more, err := store.ChangesSince(ctx, pool, old.ID, 4, 10)
	require.NoError(t, err, "a cursor at the last pruned change lacks nothing")
	require.Len(t, changes, 2)
	require.False(t, more)
	changes, _, err = store.ChangesSince(ctx, pool, old.ID, 6, 10)
	require.NoError(t, err)
	require.Empty(t, changes, "up to date")

	// A user all of whose log was pruned: any cursor but the latest lacks changes.
	_, err = pool.Exec(ctx, `UPDATE sync_changes SET created_at = $2 WHERE user_id = $1`, old.ID, now.Add(-100*24*time.Hour))
	require.NoError(t, err)
	require.NoError(t, w.Work(ctx, &river.Job[housekeeping.SyncPruneArgs]{}))
	require.Empty(t, seqs(old.ID))
	_, _, err = store.ChangesSince(ctx, pool, old.ID, 5, 10)
	require.ErrorIs(t, err, store.ErrChangesPruned)
	changes, _, err = store.ChangesSince(ctx, pool, old.ID, 6, 10)
	require.NoError(t, err)
	require.Empty(t, changes)
}
