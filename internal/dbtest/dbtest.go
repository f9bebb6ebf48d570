// Package dbtest gives tests an isolated, real PostgreSQL state:
//
//   - Tx: a transaction on a shared migrated database, rolled back when the test ends;
//   - NewDatabase: a database of its own, cloned from a migrated template, dropped when the
//     test ends (for tests that commit, run River clients or use LISTEN/NOTIFY);
//   - EmptyDatabase: a database with no schema at all (migration tests).
//
// The server comes from TEST_DATABASE_URL (make test sets it from ops/devdb). Use Main in
// TestMain: it closes the shared pools and checks for leaked goroutines.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"go.uber.org/goleak"

	"github.com/mirubato/mirubato/internal/db"
	"github.com/mirubato/mirubato/migrations"
)

// templateLockKey serialises template creation across test processes.
const templateLockKey int64 = 0x6d697275_74657374 // "mirutest"

// shared is per test binary: the admin pool (CREATE/DROP DATABASE) and the pool of the
// shared database that Tx uses. Test helpers may keep such state; product code may not.
var shared struct {
	mu       sync.Mutex
	admin    *pgxpool.Pool
	template string
	txPool   *pgxpool.Pool
}

// Main runs the package's tests, closes the shared pools, and fails on leaked goroutines.
func Main(m *testing.M) {
	opts := []goleak.Option{
		goleak.IgnoreCurrent(), // taken before the tests: what they start and leave is a leak
		// fasthttp (under Fiber) keeps one process-wide goroutine that updates the Date header,
		// and its worker-pool cleaner sleeps up to 10 s before it sees the server stopped.
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"),
	}
	code := m.Run()
	shared.mu.Lock()
	if shared.txPool != nil {
		shared.txPool.Close()
	}
	if shared.admin != nil {
		shared.admin.Close()
	}
	shared.mu.Unlock()
	if code == 0 {
		if err := goleak.Find(opts...); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// BaseURL is TEST_DATABASE_URL; the test fails when it is not set.
func BaseURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		tb.Fatal("TEST_DATABASE_URL is not set: run `make test`, or `export TEST_DATABASE_URL=$(ops/devdb start | tail -n1)`")
	}
	return u
}

// WithDatabase returns rawURL with its database name replaced.
func WithDatabase(tb testing.TB, rawURL, name string) string {
	tb.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		tb.Fatalf("bad database URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Tx returns a transaction on the shared migrated database. It is rolled back when the test
// ends, so tests using it never see each other's writes and may run in parallel.
func Tx(tb testing.TB) pgx.Tx {
	tb.Helper()
	pool := sharedPool(tb)
	tx, err := pool.Begin(context.Background())
	if err != nil {
		tb.Fatalf("error beginning test transaction: %v", err)
	}
	tb.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	return tx
}

// NewDatabase creates a migrated database for this test alone and returns a pool to it and
// its URL. Both go away when the test ends.
func NewDatabase(tb testing.TB) (*pgxpool.Pool, string) {
	tb.Helper()
	ctx := context.Background()
	admin, tmpl := adminAndTemplate(tb)
	name := testDatabaseName(tb)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %q TEMPLATE %q STRATEGY FILE_COPY`, name, tmpl)); err != nil {
		tb.Fatalf("error creating test database: %v", err)
	}
	dbURL := WithDatabase(tb, BaseURL(tb), name)
	tb.Cleanup(func() { dropDatabase(tb, admin, name) })
	return openPool(tb, dbURL), dbURL
}

// EmptyDatabase creates a database with no schema and returns its URL; it is dropped when
// the test ends.
func EmptyDatabase(tb testing.TB) string {
	tb.Helper()
	admin, _ := adminAndTemplate(tb)
	name := testDatabaseName(tb)
	if _, err := admin.Exec(context.Background(), fmt.Sprintf(`CREATE DATABASE %q`, name)); err != nil {
		tb.Fatalf("error creating test database: %v", err)
	}
	tb.Cleanup(func() { dropDatabase(tb, admin, name) })
	return WithDatabase(tb, BaseURL(tb), name)
}

// Logger returns a logger that writes to the test's log.
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(string(p))
	return len(p), nil
}

func openPool(tb testing.TB, dbURL string) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		tb.Fatalf("bad database URL: %v", err)
	}
	cfg.MaxConns = 20
	db.Configure(cfg)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("error opening pool: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

func dropDatabase(tb testing.TB, admin *pgxpool.Pool, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name)); err != nil {
		tb.Errorf("error dropping test database %s: %v", name, err)
	}
}

func sharedPool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	admin, tmpl := adminAndTemplate(tb)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.txPool != nil {
		return shared.txPool
	}
	ctx := context.Background()
	name := "shared_" + tmpl
	conn, err := admin.Acquire(ctx)
	if err != nil {
		tb.Fatalf("error connecting: %v", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		tb.Fatalf("error locking: %v", err)
	}
	defer func() { _, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", templateLockKey) }()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		tb.Fatalf("error checking shared database: %v", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %q TEMPLATE %q STRATEGY FILE_COPY`, name, tmpl)); err != nil {
			tb.Fatalf("error creating shared database: %v", err)
		}
	}
	cfg, err := pgxpool.ParseConfig(WithDatabase(tb, BaseURL(tb), name))
	if err != nil {
		tb.Fatalf("bad database URL: %v", err)
	}
	cfg.MaxConns = 20
	db.Configure(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatalf("error opening shared pool: %v", err)
	}
	shared.txPool = pool
	return pool
}

// adminAndTemplate connects to the base database and makes sure the migrated template exists.
// The template's name is a fingerprint of the migrations, so changing one builds a new one.
func adminAndTemplate(tb testing.TB) (*pgxpool.Pool, string) {
	tb.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.admin != nil {
		return shared.admin, shared.template
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, BaseURL(tb))
	if err != nil {
		tb.Fatalf("error connecting to TEST_DATABASE_URL: %v", err)
	}
	tmpl := "tmpl_" + fingerprint(tb)
	if err := ensureTemplate(ctx, tb, admin, tmpl); err != nil {
		admin.Close()
		tb.Fatalf("error preparing the template database: %v", err)
	}
	dropOrphans(ctx, tb, admin)
	shared.admin, shared.template = admin, tmpl
	return admin, tmpl
}

func ensureTemplate(ctx context.Context, tb testing.TB, admin *pgxpool.Pool, tmpl string) error {
	conn, err := admin.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return err
	}
	defer func() { _, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", templateLockKey) }()

	// A finished template is marked IS_TEMPLATE and closed to connections; anything else is
	// the leftover of an interrupted build.
	var ready *bool
	if err := conn.QueryRow(ctx, "SELECT datistemplate AND NOT datallowconn FROM pg_database WHERE datname = $1", tmpl).Scan(&ready); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if ready != nil && *ready {
		return nil
	}
	if ready != nil {
		if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE %q WITH (FORCE)`, tmpl)); err != nil {
			return err
		}
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %q`, tmpl)); err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, WithDatabase(tb, BaseURL(tb), tmpl))
	if err != nil {
		return err
	}
	_, err = migrations.Up(ctx, pool, slog.New(slog.DiscardHandler))
	pool.Close()
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %q WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`, tmpl))
	return err
}

func fingerprint(tb testing.TB) string {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS(), path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%s\x00", path, b)
		return nil
	})
	if err != nil {
		tb.Fatalf("error reading migrations: %v", err)
	}
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		tb.Fatalf("error creating River migrator: %v", err)
	}
	for _, v := range m.AllVersions() {
		fmt.Fprintf(h, "river\x00%d\x00%s\x00", v.Version, v.SQLUp)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// testDatabaseName names a per-test database after this process, so that databases left by
// a test binary that was killed can be recognised and dropped by the next run.
func testDatabaseName(tb testing.TB) string {
	return fmt.Sprintf("t_%d_%s", os.Getpid(), randomHex(tb, 6))
}

// dropOrphans drops the per-test databases of test processes that no longer run on this
// machine. Other machines' databases (a shared server) are left alone: their pids mean nothing here.
func dropOrphans(ctx context.Context, tb testing.TB, admin *pgxpool.Pool) {
	if !isLoopback(BaseURL(tb)) {
		return
	}
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname ~ '^t_[0-9]+_[0-9a-f]+$'`)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		var pid int
		if _, err := fmt.Sscanf(name, "t_%d_", &pid); err != nil || processAlive(pid) {
			continue
		}
		_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name))
	}
}

func processAlive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

func isLoopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1", "":
		return true
	}
	return false
}

func randomHex(tb testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
}
