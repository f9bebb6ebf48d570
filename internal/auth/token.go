// Package auth issues and verifies the access tokens that authenticate API requests.
package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// AccessTokenTTL is how long an access token is valid.
const AccessTokenTTL = 15 * time.Minute

const issuer = "mirubato"

// ErrInvalidToken is returned for a token that is malformed, tampered with, expired or not ours.
var ErrInvalidToken = errors.New("invalid or expired access token")

// Tokens signs and verifies HS256 access tokens with one secret.
type Tokens struct {
	secret []byte
	now    func() time.Time
}

// NewTokens returns a Tokens for secret. now may be nil (time.Now).
func NewTokens(secret string, now func() time.Time) (*Tokens, error) {
	if len(secret) < 32 {
		return nil, errors.New("auth secret must be at least 32 characters")
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: []byte(secret), now: now}, nil
}

// Issue returns a signed access token for userID valid for ttl.
func (t *Tokens) Issue(userID uuid.UUID, ttl time.Duration) (string, error) {
	now := t.now()
	claims := jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   userID.String(),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		ID:        uuid.NewString(),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("error signing token: %w", err)
	}
	return s, nil
}

// Verify checks signature, issuer and expiry and returns the user id the token is for.
func (t *Tokens) Verify(token string) (uuid.UUID, error) {
	id, _, err := t.VerifyExpiry(token)
	return id, err
}

// VerifyExpiry is Verify, also returning when the token expires (for sessions that outlive
// a request, such as a WebSocket).
func (t *Tokens) VerifyExpiry(token string) (uuid.UUID, time.Time, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return uuid.Nil, time.Time{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	id, err := uuid.Parse(claims.Subject)
	if err != nil {
		return uuid.Nil, time.Time{}, fmt.Errorf("%w: bad subject", ErrInvalidToken)
	}
	return id, claims.ExpiresAt.Time, nil
}
