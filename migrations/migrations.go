// Package migrations holds the application's numbered SQL migrations (embedded) and applies
// them together with River's own, safely from several processes at once.
package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed sql/*.sql
var embedded embed.FS

// lockKey is the advisory lock that serialises migrators: any value unique to this app.
const lockKey int64 = 0x6d69727562617430 // "mirubat0"

// versionTable is goose's bookkeeping table.
const versionTable = "goose_db_version"

// ErrNotMigrated is returned by Check when the database is behind this build.
var ErrNotMigrated = errors.New("database is not migrated")

// ErrNoPgvector is returned by Up when the server cannot provide the vector extension.
var ErrNoPgvector = errors.New("the pgvector extension is not available on this PostgreSQL server")

// FS returns the embedded SQL files (for tests that fingerprint the schema).
func FS() fs.FS {
	sub, err := fs.Sub(embedded, "sql")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// Result says what Up did.
type Result struct {
	AppVersion   int64
	RiverVersion int
	Applied      []string
}

// Up applies the app's migrations and River's, holding an advisory lock so that concurrent
// runs (several release phases, tests) wait for each other instead of colliding.
func Up(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) (*Result, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("error connecting to the database: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return nil, fmt.Errorf("error taking the migration lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must be released even when ctx was cancelled.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	}()

	if err := requirePgvector(ctx, conn.Conn()); err != nil {
		return nil, err
	}

	res := &Result{}
	provider, closeDB, err := newProvider(pool)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	applied, err := provider.Up(ctx)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == pgerrcode.InsufficientPrivilege && strings.Contains(pgErr.Message, "vector") {
			return nil, fmt.Errorf("error applying migrations: %w (pgvector is installed but this role may not "+
				"create it: have a superuser run `CREATE EXTENSION vector;` in this database once)", err)
		}
		return nil, fmt.Errorf("error applying migrations: %w", err)
	}
	for _, a := range applied {
		res.Applied = append(res.Applied, a.Source.Path)
	}
	if res.AppVersion, err = provider.GetDBVersion(ctx); err != nil {
		return nil, fmt.Errorf("error reading the migration version: %w", err)
	}

	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("error creating the River migrator: %w", err)
	}
	riverRes, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("error applying River migrations: %w", err)
	}
	for _, v := range riverRes.Versions {
		res.Applied = append(res.Applied, fmt.Sprintf("river/%03d_%s", v.Version, v.Name))
	}
	res.RiverVersion = migrator.AllVersions()[len(migrator.AllVersions())-1].Version
	return res, nil
}

// Status is the migration state of a database compared with this build.
type Status struct {
	AppVersion    int64 `json:"app_version"`
	AppLatest     int64 `json:"app_latest"`
	RiverOK       bool  `json:"river_ok"`
	RiverLatest   int   `json:"river_latest"`
	riverMessages []string
}

// Current reports whether the database has every migration this build knows.
func (s *Status) Current() bool { return s.AppVersion >= s.AppLatest && s.RiverOK }

// Read inspects the database without changing it.
func Read(ctx context.Context, pool *pgxpool.Pool) (*Status, error) {
	st := &Status{AppLatest: latestAppVersion()}
	var reg *string
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1)::text", versionTable).Scan(&reg); err != nil {
		return nil, fmt.Errorf("error reading the migration version: %w", err)
	}
	if reg != nil {
		if err := pool.QueryRow(ctx,
			"SELECT coalesce(max(version_id), 0) FROM "+versionTable+" WHERE is_applied").Scan(&st.AppVersion); err != nil {
			return nil, fmt.Errorf("error reading the migration version: %w", err)
		}
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, fmt.Errorf("error creating the River migrator: %w", err)
	}
	all := migrator.AllVersions()
	st.RiverLatest = all[len(all)-1].Version
	vr, err := migrator.Validate(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("error checking River migrations: %w", err)
	}
	st.RiverOK, st.riverMessages = vr.OK, vr.Messages
	return st, nil
}

// Check returns an error wrapping ErrNotMigrated, with what is missing and what to run,
// when the database is behind this build.
func Check(ctx context.Context, pool *pgxpool.Pool) error {
	st, err := Read(ctx, pool)
	if err != nil {
		return err
	}
	if st.Current() {
		return nil
	}
	var missing []string
	if st.AppVersion < st.AppLatest {
		missing = append(missing, fmt.Sprintf("app schema at version %d of %d", st.AppVersion, st.AppLatest))
	}
	if !st.RiverOK {
		missing = append(missing, "River: "+strings.Join(st.riverMessages, "; "))
	}
	return fmt.Errorf("%w (%s): run `mirubato migrate` first", ErrNotMigrated, strings.Join(missing, ", "))
}

func requirePgvector(ctx context.Context, conn *pgx.Conn) error {
	var available bool
	if err := conn.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')").Scan(&available); err != nil {
		return fmt.Errorf("error checking for pgvector: %w", err)
	}
	if !available {
		return fmt.Errorf("%w: install it on the server (Debian/Ubuntu: postgresql-<major>-pgvector; "+
			"managed databases: enable the 'vector' extension; containers: pgvector/pgvector images), "+
			"or run `ops/devdb start` for a local PostgreSQL that has it", ErrNoPgvector)
	}
	return nil
}

func newProvider(pool *pgxpool.Pool) (*goose.Provider, func(), error) {
	db := stdlib.OpenDBFromPool(pool)
	provider, err := goose.NewProvider(goose.DialectPostgres, db, FS(), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("error loading migrations: %w", err)
	}
	return provider, func() { _ = db.Close() }, nil
}

func latestAppVersion() int64 {
	var latest int64
	entries, _ := fs.ReadDir(FS(), ".")
	for _, e := range entries {
		v, err := goose.NumericComponent(e.Name())
		if err == nil && v > latest {
			latest = v
		}
	}
	return latest
}
