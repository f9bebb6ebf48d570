// Package db opens the PostgreSQL connection pool every process uses.
package db

import (
	"context"
	"fmt"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Open parses url, applies maxConns and checks that the server answers.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("error parsing DATABASE_URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	// A dead server should be noticed quickly, not after the OS TCP timeout.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "mirubato"
	Configure(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("error creating the database pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("error connecting to the database at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return pool, nil
}

// Configure sets up each new connection of cfg's pool the way our code expects: json and
// jsonb values are encoded and decoded by go-json, the encoder the API answers with,
// instead of encoding/json (on the API's list paths, decoding jsonb columns such as a logbook
// entry's pieces was a fifth of what a request allocated).
func Configure(cfg *pgxpool.Config) {
	next := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		m := conn.TypeMap()
		m.RegisterType(&pgtype.Type{Name: "json", OID: pgtype.JSONOID,
			Codec: &pgtype.JSONCodec{Marshal: gojson.Marshal, Unmarshal: gojson.Unmarshal}})
		m.RegisterType(&pgtype.Type{Name: "jsonb", OID: pgtype.JSONBOID,
			Codec: &pgtype.JSONBCodec{Marshal: gojson.Marshal, Unmarshal: gojson.Unmarshal}})
		if next != nil {
			return next(ctx, conn)
		}
		return nil
	}
}

// CloseWithin closes pool, waiting at most d for connections still in use (pgxpool's Close
// waits for every one). A worker whose stop abandoned a job that ignores its cancellation
// still exits in time: the abandoned job's connection dies with the process. It reports
// whether the pool closed in time.
func CloseWithin(pool *pgxpool.Pool, d time.Duration) bool {
	closed := make(chan struct{})
	go func() {
		pool.Close()
		close(closed)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-closed:
		return true
	case <-t.C:
		return false
	}
}
