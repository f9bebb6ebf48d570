package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrRefreshReused is returned when a refresh token that was already exchanged is presented
// again: its whole family has been revoked.
var ErrRefreshReused = errors.New("refresh token reused: the session has been revoked")

// ErrRefreshRaced is returned for a token that was exchanged less than RefreshGrace ago:
// most likely the same client twice (two tabs, a retry after a lost answer), so the
// session is kept; the client should use the newer token it already has.
var ErrRefreshRaced = errors.New("refresh token was just exchanged")

// RefreshGrace is how long after its exchange a refresh token is a race, not a reuse.
const RefreshGrace = 30 * time.Second

// CreateMagicLink stores the hash of a sign-in token for email.
func CreateMagicLink(ctx context.Context, db DB, tokenHash []byte, email string, expiresAt time.Time) error {
	if _, err := db.Exec(ctx, `INSERT INTO magic_links (token_hash, email, expires_at) VALUES ($1, $2, $3)`,
		tokenHash, email, expiresAt); err != nil {
		return fmt.Errorf("error storing magic link: %w", err)
	}
	return nil
}

// ConsumeMagicLink marks the token used and returns its email; a token that is unknown,
// used or expired is ErrNotFound. Using it twice at once: only one wins.
func ConsumeMagicLink(ctx context.Context, db DB, tokenHash []byte, now time.Time) (string, error) {
	var email string
	err := db.QueryRow(ctx, `
		UPDATE magic_links SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
		RETURNING email`, tokenHash, now).Scan(&email)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("error using magic link: %w", err)
	}
	return email, nil
}

// CreateRefreshToken stores the hash of a new refresh token of family for userID.
func CreateRefreshToken(ctx context.Context, db DB, tokenHash []byte, family, userID uuid.UUID, expiresAt time.Time) error {
	if _, err := db.Exec(ctx, `INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, family, userID, expiresAt); err != nil {
		return fmt.Errorf("error storing refresh token: %w", err)
	}
	return nil
}

// RefreshToken is a stored refresh token.
type RefreshToken struct {
	FamilyID   uuid.UUID  `db:"family_id"`
	UserID     uuid.UUID  `db:"user_id"`
	ExpiresAt  time.Time  `db:"expires_at"`
	ReplacedAt *time.Time `db:"replaced_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

// UseRefreshToken marks the token replaced and returns it, locked, in tx. A token already
// replaced revokes its family and returns ErrRefreshReused; unknown, revoked or expired
// tokens are ErrNotFound.
func UseRefreshToken(ctx context.Context, tx pgx.Tx, tokenHash []byte, now time.Time) (*RefreshToken, error) {
	rows, err := tx.Query(ctx, `SELECT family_id, user_id, expires_at, replaced_at, revoked_at
		FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`, tokenHash)
	rt, err := one[RefreshToken](rows, err, "reading refresh token")
	if err != nil {
		return nil, err
	}
	switch {
	case rt.RevokedAt != nil || !rt.ExpiresAt.After(now):
		return nil, ErrNotFound
	case rt.ReplacedAt != nil && now.Sub(*rt.ReplacedAt) < RefreshGrace:
		return nil, ErrRefreshRaced
	case rt.ReplacedAt != nil:
		if err := RevokeFamily(ctx, tx, rt.FamilyID, now); err != nil {
			return nil, err
		}
		return nil, ErrRefreshReused
	}
	if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET replaced_at = $2 WHERE token_hash = $1`, tokenHash, now); err != nil {
		return nil, fmt.Errorf("error rotating refresh token: %w", err)
	}
	return rt, nil
}

// RevokeFamily revokes every token of a sign-in.
func RevokeFamily(ctx context.Context, db DB, family uuid.UUID, now time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`, family, now); err != nil {
		return fmt.Errorf("error revoking session: %w", err)
	}
	return nil
}

// RefreshFamily returns the family of a token (for logout), or ErrNotFound.
func RefreshFamily(ctx context.Context, db DB, tokenHash []byte) (uuid.UUID, uuid.UUID, error) {
	var family, user uuid.UUID
	err := db.QueryRow(ctx, `SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1`, tokenHash).Scan(&family, &user)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, uuid.Nil, ErrNotFound
	}
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("error reading refresh token: %w", err)
	}
	return family, user, nil
}

// Hit counts one hit on key in the fixed window of length window that contains now and
// returns the hits so far in that window. Atomic, so it holds across API processes.
func Hit(ctx context.Context, pool *pgxpool.Pool, key string, window time.Duration, now time.Time) (int, error) {
	return HitN(ctx, pool, key, 1, window, now)
}

// ErrLimitBusy is returned when a counter is so contended that counting a hit would wait
// longer than LimitWait: the caller answers as if the limit were reached.
var ErrLimitBusy = errors.New("the rate limit's counter is busy")

// LimitWait is the longest a hit waits for its counter's row.
const LimitWait = 250 * time.Millisecond

// HitN is Hit for n hits at once. All of a key's hits update one row: each holds its lock
// only for the statement (the commit does not wait for the disk, since a count lost in a
// crash costs nothing), and none waits for it longer than LimitWait (ErrLimitBusy).
//
// The transaction's start and its count are sent as one batch (one round trip), then its
// end, on a connection of the pool's own (never a caller's transaction).
func HitN(ctx context.Context, pool *pgxpool.Pool, key string, n int, window time.Duration, now time.Time) (int, error) {
	start := now.Truncate(window)
	var hits int
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("error counting rate limit: %w", err)
	}
	defer conn.Release()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("SET LOCAL synchronous_commit = off")
	b.Queue(fmt.Sprintf("SET LOCAL lock_timeout = %d", LimitWait.Milliseconds()))
	b.Queue(`INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + $3 ELSE $3 END,
			window_start = excluded.window_start
		RETURNING hits`, key, start, n).QueryRow(func(row pgx.Row) error { return row.Scan(&hits) })
	err = conn.SendBatch(ctx, b).Close()
	end := "COMMIT"
	if err != nil {
		end = "ROLLBACK" // the failed batch left the transaction open (aborted): end it, keep the connection
	}
	if _, eerr := conn.Exec(context.WithoutCancel(ctx), end); eerr != nil && err == nil {
		err = eerr
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		return 0, ErrLimitBusy
	}
	if err != nil {
		return 0, fmt.Errorf("error counting rate limit: %w", err)
	}
	return hits, nil
}

// IdempotentResponse is the stored first response to an Idempotency-Key.
type IdempotentResponse struct {
	RequestHash []byte `db:"request_hash"`
	Status      *int   `db:"status"`
	Body        []byte `db:"body"`
}

// ErrKeyInFlight is returned when another request with the same Idempotency-Key is being
// written and did not finish within the wait.
var ErrKeyInFlight = errors.New("a request with this idempotency key is in flight")

// IdempotentResult returns the stored response of a request with key, or ErrNotFound when
// none was completed: a quick look before any work, with no lock taken.
func IdempotentResult(ctx context.Context, db DB, userID uuid.UUID, key string) (*IdempotentResponse, error) {
	rows, err := db.Query(ctx, `SELECT request_hash, status, body FROM idempotency_keys
		WHERE user_id = $1 AND key = $2 AND status IS NOT NULL`, userID, key)
	return one[IdempotentResponse](rows, err, "reading idempotency key")
}

// ClaimIdempotencyKey claims key in tx, the transaction of the write it protects; the
// response is stored in the same transaction (CompleteIdempotencyKey), so a commit leaves
// both the write and the response to replay, and a rollback (the request failed, or its
// process died) leaves neither. A request with the same key in flight in another
// transaction is waited for, at most wait (then ErrKeyInFlight, which aborts tx); when the
// key has a stored response, it is returned with false.
func ClaimIdempotencyKey(ctx context.Context, tx pgx.Tx, userID uuid.UUID, key string, requestHash []byte, wait time.Duration) (*IdempotentResponse, bool, error) {
	if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d", max(1, wait.Milliseconds()))); err != nil {
		return nil, false, fmt.Errorf("error setting the lock timeout: %w", err)
	}
	// A row without a status is a claim an earlier version of this server committed before
	// its write; after a minute its request is dead and the key is taken over.
	rows, err := tx.Query(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, created_at = now()
			WHERE idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - interval '1 minute'
		RETURNING request_hash, status, body`, userID, key, requestHash)
	_, err = one[IdempotentResponse](rows, err, "claiming idempotency key")
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		return nil, false, ErrKeyInFlight
	}
	claimed := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout TO DEFAULT"); err != nil {
		return nil, false, fmt.Errorf("error resetting the lock timeout: %w", err)
	}
	if claimed {
		return nil, true, nil
	}
	rows, err = tx.Query(ctx, `SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key)
	prev, err := one[IdempotentResponse](rows, err, "reading idempotency key")
	if err != nil {
		return nil, false, err
	}
	if prev.Status == nil {
		return nil, false, ErrKeyInFlight // an old-style claim, less than a minute old
	}
	return prev, false, nil
}

// CompleteIdempotencyKey stores the response to replay, in the claim's transaction.
func CompleteIdempotencyKey(ctx context.Context, tx pgx.Tx, userID uuid.UUID, key string, status int, body []byte) error {
	if _, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2`,
		userID, key, status, body); err != nil {
		return fmt.Errorf("error storing idempotent response: %w", err)
	}
	return nil
}
