package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestEnsureUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.Tx(t)

	first, err := store.EnsureUser(ctx, tx, "Clara.Schumann@example.com")
	require.NoError(t, err)
	require.Equal(t, "Clara.Schumann@example.com", first.Email)

	again, err := store.EnsureUser(ctx, tx, "  clara.schumann@EXAMPLE.com ")
	require.NoError(t, err)
	require.Equal(t, first.ID, again.ID, "the same address in another case is the same account")

	other, err := store.EnsureUser(ctx, tx, "robert@example.com")
	require.NoError(t, err)
	require.NotEqual(t, first.ID, other.ID)

	var n int
	require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n))
	require.Equal(t, 2, n)
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := dbtest.Tx(t)

	_, err := store.LastHeartbeat(ctx, tx, "default")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, store.RecordHeartbeat(ctx, tx, "default", "w1"))
	require.NoError(t, store.RecordHeartbeat(ctx, tx, "default", "w2"))
	hb, err := store.LastHeartbeat(ctx, tx, "default")
	require.NoError(t, err)
	require.Equal(t, "w2", hb.WorkerID)
}
