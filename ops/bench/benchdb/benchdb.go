// Package benchdb gives a benchmark a fresh, migrated database beside DATABASE_URL's,
// opened as the product opens its own (db.Open, DB_MAX_CONNS).
package benchdb

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/db"
	"github.com/mirubato/mirubato/migrations"
)

// Config loads the product's configuration for a benchmark: development defaults, warnings only.
func Config() (*config.Config, error) {
	return config.Load(append([]string{"MIRUBATO_ENV=development"}, append(os.Environ(), "LOG_LEVEL=warn")...))
}

// Fresh drops and creates database name, migrates it and returns a pool; cleanup drops it.
func Fresh(ctx context.Context, cfg *config.Config, name string, logger *slog.Logger) (*pgxpool.Pool, string, func(), error) {
	admin, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, "", nil, err
	}
	drop := func() {
		_, _ = admin.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name))
	}
	drop()
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %q`, name)); err != nil {
		return nil, "", nil, err
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return nil, "", nil, err
	}
	u.Path = "/" + name
	pool, err := db.Open(ctx, u.String(), cfg.DBMaxConns)
	if err != nil {
		return nil, "", nil, err
	}
	if _, err := migrations.Up(ctx, pool, logger); err != nil {
		pool.Close()
		return nil, "", nil, err
	}
	return pool, u.String(), func() {
		pool.Close()
		drop()
		_ = admin.Close(context.Background())
	}, nil
}
