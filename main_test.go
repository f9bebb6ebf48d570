package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/migrations"
)

func TestMain(m *testing.M) {
	// A test that needs real processes (to kill one) starts this binary as `mirubato`.
	if args := os.Getenv(processEnv); args != "" {
		os.Exit(runProcess(strings.Fields(args)))
	}
	dbtest.Main(m)
}

func TestRun(t *testing.T) {
	t.Parallel()

	t.Run("Usage", func(t *testing.T) {
		t.Parallel()
		err := run(context.Background(), nil, nil, &bytes.Buffer{}, &bytes.Buffer{})
		require.ErrorContains(t, err, "usage: mirubato")
		err = run(context.Background(), []string{"serve"}, nil, &bytes.Buffer{}, &bytes.Buffer{})
		require.ErrorContains(t, err, `unknown command "serve"`)
	})

	t.Run("BadConfigNamesTheVariable", func(t *testing.T) {
		t.Parallel()
		for _, role := range []string{"api", "worker", "migrate", "dev"} {
			err := run(context.Background(), []string{role}, []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "PORT=http"},
				&bytes.Buffer{}, &bytes.Buffer{})
			require.ErrorContains(t, err, "PORT: not a valid whole number", role)
		}
	})

	t.Run("RefusesUnmigratedDatabase", func(t *testing.T) {
		t.Parallel()
		environ := []string{"MIRUBATO_ENV=development", "DATABASE_URL=" + dbtest.EmptyDatabase(t), "PORT=0"}
		for _, role := range []string{"api", "worker"} {
			err := run(context.Background(), []string{role}, environ, &bytes.Buffer{}, &bytes.Buffer{})
			require.ErrorIs(t, err, migrations.ErrNotMigrated, role)
			require.ErrorContains(t, err, "run `mirubato migrate`", role)
		}
	})

	t.Run("MigrateThenUserToken", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		environ := []string{"MIRUBATO_ENV=development", "DATABASE_URL=" + dbtest.EmptyDatabase(t)}
		var stderr bytes.Buffer
		require.NoError(t, run(ctx, []string{"migrate"}, environ, &bytes.Buffer{}, &stderr))
		require.Contains(t, stderr.String(), "database migrated")

		var out1, out2 bytes.Buffer
		require.NoError(t, run(ctx, []string{"user", "token", "nadia@example.com"}, environ, &out1, &bytes.Buffer{}))
		require.NoError(t, run(ctx, []string{"user", "token", "Nadia@Example.com"}, environ, &out2, &bytes.Buffer{}))
		tokens, err := auth.NewTokens(devAuthSecret, nil)
		require.NoError(t, err)
		id1, err := tokens.Verify(strings.TrimSpace(out1.String()))
		require.NoError(t, err)
		id2, err := tokens.Verify(strings.TrimSpace(out2.String()))
		require.NoError(t, err)
		require.Equal(t, id1, id2, "the same user, created once")
		require.NotEqual(t, uuid.Nil, id1)

		err = run(ctx, []string{"user", "token", "not an email"}, environ, &bytes.Buffer{}, &bytes.Buffer{})
		require.ErrorContains(t, err, "is not an email address")

		var roleOut bytes.Buffer
		require.NoError(t, run(ctx, []string{"user", "role", "nadia@example.com", "admin"}, environ, &roleOut, &bytes.Buffer{}))
		require.Contains(t, roleOut.String(), "is now admin")
		err = run(ctx, []string{"user", "role", "nadia@example.com", "emperor"}, environ, &bytes.Buffer{}, &bytes.Buffer{})
		require.ErrorContains(t, err, "is not a role")

		// The analytics backfill rolls up entries no job ever saw.
		pool, err := pgxpool.New(ctx, strings.TrimPrefix(environ[1], "DATABASE_URL="))
		require.NoError(t, err)
		defer pool.Close()
		_, err = pool.Exec(ctx, `INSERT INTO logbook_entries (user_id, practiced_at, duration_minutes, type)
			VALUES ($1, '2026-02-03T10:00:00Z', 25, 'practice'), ($1, '2026-02-04T10:00:00Z', 35, 'lesson')`, id1)
		require.NoError(t, err)
		var backfillOut bytes.Buffer
		require.NoError(t, run(ctx, []string{"analytics", "backfill", "-batch", "1"}, environ, &backfillOut, &bytes.Buffer{}))
		require.Contains(t, backfillOut.String(), "rolled up every user (1)")
		var days, minutes int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), sum(minutes) FROM practice_days WHERE user_id = $1`, id1).Scan(&days, &minutes))
		require.Equal(t, []int{2, 60}, []int{days, minutes})
		err = run(ctx, []string{"analytics", "backfill", "-batch", "0"}, environ, &bytes.Buffer{}, &bytes.Buffer{})
		require.ErrorContains(t, err, "usage: mirubato analytics backfill")
	})

	t.Run("DevServesAndWorksUntilCancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		environ := []string{"DATABASE_URL=" + dbtest.EmptyDatabase(t), "PORT=0", "SHUTDOWN_TIMEOUT=5s"}
		stdout := &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"dev"}, environ, stdout, &bytes.Buffer{}) }()

		var base string
		require.Eventually(t, func() bool {
			m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(stdout.String())
			if m != nil {
				base = m[1]
			}
			return m != nil
		}, 20*time.Second, 20*time.Millisecond)

		// One process: the API answers and the worker side works the canary job.
		require.Eventually(t, func() bool {
			resp, err := http.Get(base + "/health")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			var h struct {
				Status string `json:"status"`
			}
			return json.NewDecoder(resp.Body).Decode(&h) == nil && h.Status == "ok"
		}, 20*time.Second, 50*time.Millisecond)

		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(20 * time.Second):
			t.Fatal("dev did not stop after its context ended")
		}
	})
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
