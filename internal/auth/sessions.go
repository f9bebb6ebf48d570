package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mirubato/mirubato/internal/store"
)

// Lifetimes of the secrets this package hands out.
const (
	RefreshTokenTTL = 30 * 24 * time.Hour
	MagicLinkTTL    = 15 * time.Minute
)

// Session is what a successful sign-in or refresh returns.
type Session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// Sessions issues, rotates and revokes sessions. Only hashes of refresh tokens and magic
// links are stored.
type Sessions struct {
	pool   *pgxpool.Pool
	tokens *Tokens
}

// NewSessions returns a Sessions.
func NewSessions(pool *pgxpool.Pool, tokens *Tokens) *Sessions {
	return &Sessions{pool: pool, tokens: tokens}
}

// Tokens returns the access-token signer.
func (s *Sessions) Tokens() *Tokens { return s.tokens }

// Hash is how secrets are stored: SHA-256. The secrets are 256-bit random values, so a
// fast hash is enough (there is nothing to brute-force).
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("error generating a secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Start begins a new sign-in (a new refresh-token family) for userID.
func (s *Sessions) Start(ctx context.Context, db store.DB, userID uuid.UUID) (*Session, error) {
	return s.issue(ctx, db, userID, uuid.New())
}

func (s *Sessions) issue(ctx context.Context, db store.DB, userID, family uuid.UUID) (*Session, error) {
	access, err := s.tokens.Issue(userID, AccessTokenTTL)
	if err != nil {
		return nil, err
	}
	refresh, err := newSecret()
	if err != nil {
		return nil, err
	}
	if err := store.CreateRefreshToken(ctx, db, Hash(refresh), family, userID, s.tokens.now().Add(RefreshTokenTTL)); err != nil {
		return nil, err
	}
	return &Session{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(AccessTokenTTL.Seconds())}, nil
}

// Refresh exchanges a refresh token for a new session of the same family. A token used
// twice revokes the family (store.ErrRefreshReused); the revocation is kept even though
// the exchange fails.
func (s *Sessions) Refresh(ctx context.Context, refreshToken string) (*Session, uuid.UUID, error) {
	var sess *Session
	var userID uuid.UUID
	var reused bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rt, err := store.UseRefreshToken(ctx, tx, Hash(refreshToken), s.tokens.now()) // ErrRefreshRaced passes through
		if err == store.ErrRefreshReused {                                            //nolint:errorlint // sentinel returned as is
			reused = true
			return nil // commit the revocation
		}
		if err != nil {
			return err
		}
		u, err := store.GetUser(ctx, tx, rt.UserID)
		if err != nil {
			return err
		}
		if u.DeletedAt != nil {
			return store.ErrNotFound
		}
		userID = rt.UserID
		sess, err = s.issue(ctx, tx, rt.UserID, rt.FamilyID)
		return err
	})
	if err != nil {
		return nil, uuid.Nil, err
	}
	if reused {
		return nil, uuid.Nil, store.ErrRefreshReused
	}
	return sess, userID, nil
}

// Logout revokes the sign-in that refreshToken belongs to. Unknown tokens are ignored:
// logging out is idempotent.
func (s *Sessions) Logout(ctx context.Context, refreshToken string) error {
	family, _, err := store.RefreshFamily(ctx, s.pool, Hash(refreshToken))
	if err == store.ErrNotFound { //nolint:errorlint // sentinel returned as is
		return nil
	}
	if err != nil {
		return err
	}
	return store.RevokeFamily(ctx, s.pool, family, s.tokens.now())
}

// NewMagicLink stores a single-use sign-in token for email and returns it.
func (s *Sessions) NewMagicLink(ctx context.Context, email string) (string, error) {
	token, err := newSecret()
	if err != nil {
		return "", err
	}
	if err := store.CreateMagicLink(ctx, s.pool, Hash(token), email, s.tokens.now().Add(MagicLinkTTL)); err != nil {
		return "", err
	}
	return token, nil
}

// UseMagicLink consumes the token and signs its email's user in, creating the account on
// first sign-in. Unknown, used or expired tokens are store.ErrNotFound.
func (s *Sessions) UseMagicLink(ctx context.Context, token string) (*Session, *store.User, error) {
	var sess *Session
	var user *store.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		email, err := store.ConsumeMagicLink(ctx, tx, Hash(token), s.tokens.now())
		if err != nil {
			return err
		}
		if user, err = store.EnsureUser(ctx, tx, email); err != nil {
			return err
		}
		if user.DeletedAt != nil {
			return store.ErrNotFound
		}
		sess, err = s.Start(ctx, tx, user.ID)
		return err
	})
	return sess, user, err
}
