package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/auth"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tokens, err := auth.NewTokens(strings.Repeat("s", 32), clock)
	require.NoError(t, err)
	user := uuid.New()
	tok, err := tokens.Issue(user, auth.AccessTokenTTL)
	require.NoError(t, err)

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		got, err := tokens.Verify(tok)
		require.NoError(t, err)
		require.Equal(t, user, got)
	})
	t.Run("Tampered", func(t *testing.T) {
		t.Parallel()
		parts := strings.Split(tok, ".")
		other, err := tokens.Issue(uuid.New(), auth.AccessTokenTTL)
		require.NoError(t, err)
		// Someone else's claims with this token's signature.
		forged := parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2]
		_, err = tokens.Verify(forged)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
	})
	t.Run("OtherSecret", func(t *testing.T) {
		t.Parallel()
		otherTokens, err := auth.NewTokens(strings.Repeat("x", 32), clock)
		require.NoError(t, err)
		_, err = otherTokens.Verify(tok)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
	})
	t.Run("Expired", func(t *testing.T) {
		t.Parallel()
		later, err := auth.NewTokens(strings.Repeat("s", 32), func() time.Time { return now.Add(16 * time.Minute) })
		require.NoError(t, err)
		_, err = later.Verify(tok)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
	})
	t.Run("Garbage", func(t *testing.T) {
		t.Parallel()
		for _, s := range []string{"", "abc", "a.b.c", strings.Repeat("x", 5000)} {
			_, err := tokens.Verify(s)
			require.ErrorIs(t, err, auth.ErrInvalidToken)
		}
	})
	t.Run("ShortSecretRefused", func(t *testing.T) {
		t.Parallel()
		_, err := auth.NewTokens("short", nil)
		require.Error(t, err)
	})
}
