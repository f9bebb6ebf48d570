// Package store holds the SQL for every entity, one file per entity.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what store functions need: a pool, a connection or a transaction. Begin on a
// transaction makes a savepoint, so functions that need atomicity work inside callers' too.
type DB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

// User is an account.
type User struct {
	ID                uuid.UUID  `db:"id" json:"id"`
	Email             string     `db:"email" json:"email"`
	DisplayName       string     `db:"display_name" json:"display_name"`
	PrimaryInstrument string     `db:"primary_instrument" json:"primary_instrument"`
	Timezone          string     `db:"timezone" json:"timezone"`
	Locale            string     `db:"locale" json:"locale"`
	Role              string     `db:"role" json:"role"`
	Version           int        `db:"version" json:"version"`
	CreatedAt         time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt         time.Time  `db:"updated_at" json:"updated_at"`
	DeletedAt         *time.Time `db:"deleted_at" json:"-"`
	GoogleSub         *string    `db:"google_sub" json:"-"`
}

// Roles.
const (
	RoleUser    = "user"
	RoleTeacher = "teacher"
	RoleAdmin   = "admin"
)

const userColumns = `id, email, display_name, primary_instrument, timezone, locale, role, version,
	created_at, updated_at, deleted_at, google_sub`

// ProfileInput is what a user may change of their account.
type ProfileInput struct {
	DisplayName       string `json:"display_name" validate:"max=100"`
	PrimaryInstrument string `json:"primary_instrument" validate:"max=100"`
	Timezone          string `json:"timezone" validate:"required,timezone"`
	Locale            string `json:"locale" validate:"required,oneof=en es fr de zh-CN zh-TW"`
}

// EnsureUser returns the user with email, creating it when there is none. Emails compare
// case-insensitively; the address is stored as first given.
func EnsureUser(ctx context.Context, db DB, email string) (*User, error) {
	email = strings.TrimSpace(email)
	// DO UPDATE (a no-op) rather than DO NOTHING: it returns the existing row even when a
	// concurrent transaction inserted it after this statement's snapshot was taken.
	rows, err := db.Query(ctx, `
		INSERT INTO users (email) VALUES ($1)
		ON CONFLICT (lower(email)) DO UPDATE SET email = users.email
		RETURNING `+userColumns, email)
	if err != nil {
		return nil, fmt.Errorf("error ensuring user: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[User])
	if err != nil {
		return nil, fmt.Errorf("error ensuring user: %w", err)
	}
	return u, nil
}

// GetUser returns the account id, deleted or not (callers check DeletedAt).
func GetUser(ctx context.Context, db DB, id uuid.UUID) (*User, error) {
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	return one[User](rows, err, "reading user")
}

// UpdateProfile changes the user's profile (with ifVersion, only that version).
func UpdateProfile(ctx context.Context, db DB, id uuid.UUID, in *ProfileInput, ifVersion *int) (*User, error) {
	rows, err := db.Query(ctx, `
		UPDATE users SET display_name = $2, primary_instrument = $3, timezone = $4, locale = $5,
			version = version + 1, updated_at = now()
		WHERE id = $1 AND deleted_at IS NULL AND ($6::int IS NULL OR version = $6)
		RETURNING `+userColumns, id, in.DisplayName, in.PrimaryInstrument, in.Timezone, in.Locale, ifVersion)
	u, err := one[User](rows, err, "updating profile")
	if err == ErrNotFound { //nolint:errorlint // one returns the sentinel itself
		if _, gerr := GetUser(ctx, db, id); gerr == nil {
			return nil, ErrVersionConflict
		}
	}
	return u, err
}

// SetRole changes a user's role (operators, tests).
func SetRole(ctx context.Context, db DB, id uuid.UUID, role string) error {
	tag, err := db.Exec(ctx, `UPDATE users SET role = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, role)
	if err != nil {
		return fmt.Errorf("error setting role: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// Preferences returns the user's preferences document.
func Preferences(ctx context.Context, db DB, id uuid.UUID) (map[string]any, error) {
	var p map[string]any
	if err := db.QueryRow(ctx, `SELECT preferences FROM users WHERE id = $1`, id).Scan(&p); err != nil {
		return nil, fmt.Errorf("error reading preferences: %w", err)
	}
	return p, nil
}

// SetPreferences replaces the user's preferences document.
func SetPreferences(ctx context.Context, db DB, id uuid.UUID, prefs map[string]any) (map[string]any, error) {
	var p map[string]any
	if err := db.QueryRow(ctx, `UPDATE users SET preferences = $2, updated_at = now() WHERE id = $1 RETURNING preferences`,
		id, prefs).Scan(&p); err != nil {
		return nil, fmt.Errorf("error writing preferences: %w", err)
	}
	return p, nil
}

// UserByGoogleSub finds the account linked to a Google subject.
func UserByGoogleSub(ctx context.Context, db DB, sub string) (*User, error) {
	rows, err := db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE google_sub = $1`, sub)
	return one[User](rows, err, "reading user")
}

// LinkGoogle links an account to a Google subject.
func LinkGoogle(ctx context.Context, db DB, id uuid.UUID, sub string) error {
	tag, err := db.Exec(ctx, `UPDATE users SET google_sub = $2, updated_at = now() WHERE id = $1`, id, sub)
	if err != nil {
		return fmt.Errorf("error linking Google account: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// MarkUserDeleted hides the account at once and revokes its sessions; the deletion job
// removes the data. Reports whether it was already marked.
// An account its deletion job removed meanwhile is ErrNotFound.
func MarkUserDeleted(ctx context.Context, db DB, id uuid.UUID) (already bool, err error) {
	// prev is read first (the select list is evaluated in order): it sees the row before upd.
	var prev *bool
	var deletedAt *time.Time
	err = db.QueryRow(ctx, `
		WITH prev AS (SELECT deleted_at FROM users WHERE id = $1 FOR UPDATE),
		upd AS (UPDATE users SET deleted_at = coalesce(deleted_at, now()) WHERE id = $1 RETURNING deleted_at),
		rev AS (UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL)
		SELECT (SELECT deleted_at IS NOT NULL FROM prev), (SELECT deleted_at FROM upd)`, id).Scan(&prev, &deletedAt)
	if err != nil {
		return false, fmt.Errorf("error marking user deleted: %w", err)
	}
	if prev == nil {
		return false, ErrNotFound
	}
	return *prev, nil
}

// DeleteUser removes the account and, by cascade, everything it owns, and the sign-in
// links and rate-limit counters that name its address.
func DeleteUser(ctx context.Context, db DB, id uuid.UUID) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var email string
		err := tx.QueryRow(ctx, `DELETE FROM users WHERE id = $1 RETURNING lower(email)`, id).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already gone
		}
		if err != nil {
			return fmt.Errorf("error deleting user: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM magic_links WHERE lower(email) = $1`, email); err != nil {
			return fmt.Errorf("error deleting sign-in links: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM rate_limits WHERE key = 'magic-email:' || $1`, email); err != nil {
			return fmt.Errorf("error deleting rate limits: %w", err)
		}
		return nil
	})
}

// Prune deletes what has expired: sign-in links and refresh tokens a day past expiry,
// idempotency keys older than a day, rate-limit windows older than a day, pushed sync changes'
// ids after 30 days (a device retrying a push longer than that applies it again). It returns
// the number of rows deleted.
func Prune(ctx context.Context, db DB, now time.Time) (int64, error) {
	var total int64
	for _, q := range []string{
		`DELETE FROM magic_links WHERE expires_at < $1::timestamptz - interval '1 day'`,
		`DELETE FROM refresh_tokens WHERE expires_at < $1::timestamptz - interval '1 day'`,
		`DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz - interval '1 day'`,
		`DELETE FROM rate_limits WHERE window_start < $1::timestamptz - interval '1 day'`,
		`DELETE FROM sync_pushes WHERE created_at < $1::timestamptz - interval '30 days'`,
	} {
		tag, err := db.Exec(ctx, q, now)
		if err != nil {
			return total, fmt.Errorf("error pruning: %w", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}
