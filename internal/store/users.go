// Package store holds the SQL for every entity, one file per entity.
package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// DB is what store functions need: a pool, a connection or a transaction.
type DB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// User is an account.
type User struct {
	ID        uuid.UUID `db:"id" json:"id"`
	Email     string    `db:"email" json:"email"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

// EnsureUser returns the user with email, creating it when there is none. Emails compare
// case-insensitively; the address is stored as first given.
func EnsureUser(ctx context.Context, db DB, email string) (*User, error) {
	email = strings.TrimSpace(email)
	rows, err := db.Query(ctx, `
		WITH ins AS (
			INSERT INTO users (email) VALUES ($1)
			ON CONFLICT (lower(email)) DO NOTHING
			RETURNING id, email, created_at, updated_at
		)
		SELECT id, email, created_at, updated_at FROM ins
		UNION ALL
		SELECT id, email, created_at, updated_at FROM users WHERE lower(email) = lower($1)
		LIMIT 1`, email)
	if err != nil {
		return nil, fmt.Errorf("error ensuring user: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if err != nil {
		return nil, fmt.Errorf("error ensuring user: %w", err)
	}
	return u, nil
}
