package migrations_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/migrations"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func migrationFiles(t *testing.T) []fs.DirEntry {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS(), ".")
	require.NoError(t, err)
	return entries
}

func TestUp(t *testing.T) {
	t.Parallel()

	t.Run("TwiceAndConcurrently", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		dbURL := dbtest.EmptyDatabase(t)

		// Four processes' worth of migrators (separate pools, so separate sessions) at once.
		const n = 4
		results := make([]*migrations.Result, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			pool, err := pgxpool.New(ctx, dbURL)
			require.NoError(t, err)
			t.Cleanup(pool.Close)
			wg.Go(func() { results[i], errs[i] = migrations.Up(ctx, pool, dbtest.Logger(t)) })
		}
		wg.Wait()
		applied := 0
		for i := range n {
			require.NoError(t, errs[i])
			applied += len(results[i].Applied)
			require.Equal(t, results[0].AppVersion, results[i].AppVersion)
		}
		// Exactly one of them did the work; the others found nothing left to do.
		require.Equal(t, len(migrationFiles(t))+results[0].RiverVersion, applied)
		nonEmpty := 0
		for _, r := range results {
			if len(r.Applied) > 0 {
				nonEmpty++
			}
		}
		require.Equal(t, 1, nonEmpty, "migrations must be applied by exactly one migrator")

		// And once more, sequentially: nothing to do, no error.
		pool, err := pgxpool.New(ctx, dbURL)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		again, err := migrations.Up(ctx, pool, dbtest.Logger(t))
		require.NoError(t, err)
		require.Empty(t, again.Applied)
		require.NoError(t, migrations.Check(ctx, pool))

		var ext string
		require.NoError(t, pool.QueryRow(ctx, "SELECT extversion FROM pg_extension WHERE extname = 'vector'").Scan(&ext))
		require.NotEmpty(t, ext)
	})

	t.Run("CheckRefusesUnmigrated", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		pool, err := pgxpool.New(ctx, dbtest.EmptyDatabase(t))
		require.NoError(t, err)
		t.Cleanup(pool.Close)

		err = migrations.Check(ctx, pool)
		require.ErrorIs(t, err, migrations.ErrNotMigrated)
		require.Contains(t, err.Error(), "run `mirubato migrate`")

		st, err := migrations.Read(ctx, pool)
		require.NoError(t, err)
		require.False(t, st.Current())
		require.Zero(t, st.AppVersion)
	})

	t.Run("TemplateIsCurrent", func(t *testing.T) {
		t.Parallel()
		pool, _ := dbtest.NewDatabase(t)
		require.NoError(t, migrations.Check(context.Background(), pool))
	})
}
