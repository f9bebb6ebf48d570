package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
)

// ErrGoogleNotConfigured is returned when no Google client id is configured.
var ErrGoogleNotConfigured = errors.New("google sign-in is not configured on this server")

// GoogleIdentity is what a verified Google ID token says about its user.
type GoogleIdentity struct {
	Subject string
	Email   string
}

// Google verifies Google ID tokens through OpenID Connect discovery and the issuer's JWKS:
// signature, issuer, audience (our client id) and expiry. The issuer is configurable so that
// tests run against a local OIDC issuer.
type Google struct {
	issuer   string
	clientID string

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
}

// NewGoogle returns a verifier for tokens issued by issuer to clientID. Discovery happens on
// first use, so a server starts even while the issuer is unreachable.
func NewGoogle(issuer, clientID string) *Google {
	return &Google{issuer: issuer, clientID: clientID}
}

// Verify checks rawIDToken and returns the identity it proves. The email must be verified.
func (g *Google) Verify(ctx context.Context, rawIDToken string) (*GoogleIdentity, error) {
	if g == nil || g.clientID == "" {
		return nil, ErrGoogleNotConfigured
	}
	v, err := g.getVerifier(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := v.Verify(ctx, rawIDToken)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
	}
	if err := tok.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Email == "" || !claims.EmailVerified {
		return nil, fmt.Errorf("%w: the Google account's email is not verified", ErrInvalidToken)
	}
	return &GoogleIdentity{Subject: tok.Subject, Email: claims.Email}, nil
}

func (g *Google) getVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.verifier != nil {
		return g.verifier, nil
	}
	// The provider keeps using this context for fetching keys later: it must outlive the request.
	provider, err := oidc.NewProvider(context.WithoutCancel(ctx), g.issuer)
	if err != nil {
		return nil, fmt.Errorf("error discovering the OpenID provider %s: %w", g.issuer, err)
	}
	g.verifier = provider.Verifier(&oidc.Config{ClientID: g.clientID})
	return g.verifier, nil
}
