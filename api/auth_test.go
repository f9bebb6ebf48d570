package api_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/mail"
	"github.com/mirubato/mirubato/internal/store"
)

// smtpServer is a real SMTP server (go-smtp) on loopback that keeps what it receives.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []receivedMail
}

type receivedMail struct {
	from string
	to   []string
	data string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }

func (s *smtpServer) messages() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.msgs...)
}

type smtpSession struct {
	srv  *smtpServer
	from string
	to   []string
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = append(s.to, to); return nil }
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, receivedMail{from: s.from, to: s.to, data: string(b)})
	s.srv.mu.Unlock()
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]{20,})`)

func TestMagicLinkOverSMTP(t *testing.T) {
	t.Parallel()
	smtpSrv := newSMTPServer(t)
	sender, err := mail.NewSMTP("smtp+insecure://"+smtpSrv.addr, "Mirubato <no-reply@mirubato.test>", nil)
	require.NoError(t, err)
	b := setup(t, setupOpts{mailer: sender})

	resp, data := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "Fanny@Example.com"}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	msgs := smtpSrv.messages()
	require.Len(t, msgs, 1)
	require.Equal(t, []string{"fanny@example.com"}, msgs[0].to)
	require.Contains(t, msgs[0].data, "Subject: Your Mirubato sign-in link")
	body, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(msgs[0].data)))
	require.NoError(t, err)
	m := tokenInLink.FindStringSubmatch(string(body))
	require.NotNil(t, m, msgs[0].data)
	token := m[1]

	// The link signs in (creating the account) and sets the cookies.
	resp, data = b.call(t, "POST", "/api/auth/magic-link/verify", "", map[string]string{"token": token}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	sess := decodeAs[struct {
		AccessToken  string     `json:"access_token"`
		RefreshToken string     `json:"refresh_token"`
		User         store.User `json:"user"`
	}](t, data)
	require.Equal(t, "fanny@example.com", sess.User.Email)
	require.NotEmpty(t, sess.RefreshToken)
	cookies := resp.Header.Values("Set-Cookie")
	require.Len(t, cookies, 2)
	for _, c := range cookies {
		require.Contains(t, c, "HttpOnly")
	}
	resp, data = b.call(t, "GET", "/api/auth/verify", sess.AccessToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))

	// The cookie alone authenticates too (the web client).
	access := strings.SplitN(strings.TrimPrefix(cookies[0], "mirubato_access="), ";", 2)[0]
	resp, _ = b.do(t, "GET", "/api/user/me", nil, http.Header{"Cookie": {"mirubato_access=" + access}})
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// A link works once.
	resp, data = b.call(t, "POST", "/api/auth/magic-link/verify", "", map[string]string{"token": token}, nil)
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")

	// Only a hash of the token is stored.
	var stored int
	require.NoError(t, b.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM magic_links WHERE token_hash = $1 OR convert_to($2, 'UTF8') = token_hash`, auth.Hash(token), token).Scan(&stored))
	require.Equal(t, 1, stored)
}

func TestMagicLinkRules(t *testing.T) {
	t.Parallel()

	t.Run("Expired", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp, _ := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "late@example.com"}, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
		token := tokenInLink.FindStringSubmatch(b.mailbox.Messages()[0].Text)[1]
		b.now = b.now.Add(16 * time.Minute)
		resp, data := b.call(t, "POST", "/api/auth/magic-link/verify", "", map[string]string{"token": token}, nil)
		eb := requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
		require.Contains(t, eb.Error.Message, "expired")
	})

	t.Run("RateLimitedPerEmail", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		for i := range 5 {
			resp, data := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "spam@example.com"}, nil)
			require.Equal(t, http.StatusAccepted, resp.StatusCode, "request %d: %s", i, data)
		}
		resp, data := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "SPAM@example.com"}, nil)
		requireError(t, resp, data, http.StatusTooManyRequests, "rate_limited")
		require.NotEmpty(t, resp.Header.Get("Retry-After"))
		require.Len(t, b.mailbox.Messages(), 5, "no mail past the limit")
		// Another address from the same client is still served.
		resp, _ = b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "other@example.com"}, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
		// The window passes.
		b.now = b.now.Add(16 * time.Minute)
		resp, _ = b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "spam@example.com"}, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
	})

	t.Run("RateLimitHoldsAcrossAPIProcesses", func(t *testing.T) {
		t.Parallel()
		a := setup(t, setupOpts{})
		b := setup(t, setupOpts{database: a}) // a second API server on the same database
		for i := range 5 {
			srv := []*testBundle{a, b}[i%2]
			resp, data := srv.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "both@example.com"}, nil)
			require.Equal(t, http.StatusAccepted, resp.StatusCode, "request %d: %s", i, data)
		}
		for _, srv := range []*testBundle{a, b} {
			resp, data := srv.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "both@example.com"}, nil)
			requireError(t, resp, data, http.StatusTooManyRequests, "rate_limited")
		}
	})

	t.Run("ClientsBehindALoadBalancer", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{behindProxy: true})
		from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }
		// 20 links per client address; each request names another address, so only the
		// address limit can stop them.
		for i := range 20 {
			resp, data := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": fmt.Sprintf("p%d@example.com", i)},
				from(fmt.Sprintf("2001:db8:1:2::%x", i+1)))
			require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
		}
		// Another address in the same IPv6 /64 is the same client.
		resp, data := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "p99@example.com"},
			from("2001:db8:1:2:ffff::1"))
		requireError(t, resp, data, http.StatusTooManyRequests, "rate_limited")
		// Other clients behind the same load balancer are not.
		resp, _ = b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "p99@example.com"}, from("2001:db8:1:3::1"))
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
		resp, _ = b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": "p98@example.com"}, from("203.0.113.7"))
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
	})

	t.Run("BadInput", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		for name, body := range map[string]string{
			"NotAnEmail":   `{"email": "nope"}`,
			"Missing":      `{}`,
			"WrongType":    `{"email": 42}`,
			"UnknownField": `{"email": "a@example.com", "admin": true}`,
			"NotJSON":      `email=a@example.com`,
		} {
			resp, data := b.call(t, "POST", "/api/auth/magic-link", "", body, nil)
			require.Contains(t, []int{400, 422}, resp.StatusCode, name)
			requireError(t, resp, data, resp.StatusCode, map[int]string{400: "bad_request", 422: "validation_failed"}[resp.StatusCode])
		}
		require.Empty(t, b.mailbox.Messages())
	})
}

// signInByMail signs in through the dev mailbox: request a link, use its token.
func (b *testBundle) signInByMail(t *testing.T, email string) auth.Session {
	t.Helper()
	resp, data := b.call(t, "POST", "/api/auth/magic-link", "", map[string]string{"email": email}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	token := tokenInLink.FindStringSubmatch(b.mailbox.Messages()[0].Text)[1]
	resp, data = b.call(t, "POST", "/api/auth/magic-link/verify", "", map[string]string{"token": token}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	return decodeAs[auth.Session](t, data)
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	first := b.signInByMail(t, "rot@example.com")

	resp, data := b.call(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": first.RefreshToken}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	second := decodeAs[auth.Session](t, data)
	require.NotEqual(t, first.RefreshToken, second.RefreshToken)

	// The old token again at once: the same client twice (two tabs, a retry). Refused, but
	// the session stays.
	resp, data = b.call(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": first.RefreshToken}, nil)
	eb := requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
	require.Contains(t, eb.Error.Message, "a moment ago")
	resp, data = b.call(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": second.RefreshToken}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	second = decodeAs[auth.Session](t, data)

	// The old token a minute later: reuse. The whole family is revoked, the newer token too.
	b.now = b.now.Add(time.Minute)
	resp, data = b.call(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": first.RefreshToken}, nil)
	eb = requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
	require.Contains(t, eb.Error.Message, "already used")
	resp, data = b.call(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": second.RefreshToken}, nil)
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")

	// A new sign-in is a new family; logout revokes it.
	third := b.signInByMail(t, "rot@example.com")
	resp, _ = b.call(t, "POST", "/api/auth/logout", "", map[string]string{"refresh_token": third.RefreshToken}, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, data = b.call(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": third.RefreshToken}, nil)
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")

	// The refresh cookie works like the body.
	fourth := b.signInByMail(t, "rot@example.com")
	cookie := http.Header{"Cookie": {"mirubato_refresh=" + fourth.RefreshToken}}
	resp, data = b.do(t, "POST", "/api/auth/refresh", nil, cookie)
	requireError(t, resp, data, http.StatusForbidden, "forbidden") // a cross-site form could send that
	cookie.Set("X-Requested-With", "mirubato")
	resp, data = b.do(t, "POST", "/api/auth/refresh", nil, cookie)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
}

// oidcIssuer is a local OpenID Connect issuer: discovery, JWKS and its own signing key.
type oidcIssuer struct {
	url    string
	key    *rsa.PrivateKey
	signer jose.Signer
}

func newOIDCIssuer(t *testing.T) *oidcIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	iss := &oidcIssuer{key: key}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux) // loopback
	t.Cleanup(srv.Close)
	iss.url = srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.url, "jwks_uri": iss.url + "/keys", "authorization_endpoint": iss.url + "/auth",
			"token_endpoint": iss.url + "/token", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &key.PublicKey, KeyID: "test-key", Algorithm: "RS256", Use: "sig"}}})
	})
	iss.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256,
		Key: jose.JSONWebKey{Key: key, KeyID: "test-key"}}, (&jose.SignerOptions{}).WithType("JWT"))
	require.NoError(t, err)
	return iss
}

func (iss *oidcIssuer) idToken(t *testing.T, issuer, audience, sub, email string, verified bool, expiry time.Time) string {
	t.Helper()
	claims := map[string]any{
		"iss": issuer, "aud": audience, "sub": sub, "email": email, "email_verified": verified,
		"iat": time.Now().Unix(), "exp": expiry.Unix(),
	}
	raw, err := josejwt.Signed(iss.signer).Claims(claims).Serialize()
	require.NoError(t, err)
	return raw
}

func TestGoogleSignIn(t *testing.T) {
	t.Parallel()
	iss := newOIDCIssuer(t)
	const clientID = "mirubato-test.apps.example"
	b := setup(t, setupOpts{google: auth.NewGoogle(iss.url, clientID)})
	hour := time.Now().Add(time.Hour)

	// A valid token signs in and creates the account; the same subject signs in again.
	tok := iss.idToken(t, iss.url, clientID, "g-123", "clara@example.com", true, hour)
	resp, data := b.call(t, "POST", "/api/auth/google", "", map[string]string{"id_token": tok}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	first := decodeAs[struct {
		User store.User `json:"user"`
	}](t, data)
	require.Equal(t, "clara@example.com", first.User.Email)
	resp, data = b.call(t, "POST", "/api/auth/google", "", map[string]string{"id_token": tok}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, first.User.ID, decodeAs[struct {
		User store.User `json:"user"`
	}](t, data).User.ID)

	// An existing magic-link account with that email is linked, not duplicated.
	existing, _ := b.user(t, "robert@example.com")
	resp, data = b.call(t, "POST", "/api/auth/google", "", map[string]string{
		"id_token": iss.idToken(t, iss.url, clientID, "g-456", "Robert@example.com", true, hour)}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, existing.ID, decodeAs[struct {
		User store.User `json:"user"`
	}](t, data).User.ID)

	other := newOIDCIssuer(t)
	for name, bad := range map[string]string{
		"WrongAudience":    iss.idToken(t, iss.url, "someone-else", "g-1", "x@example.com", true, hour),
		"WrongIssuer":      iss.idToken(t, "https://accounts.example", clientID, "g-1", "x@example.com", true, hour),
		"Expired":          iss.idToken(t, iss.url, clientID, "g-1", "x@example.com", true, time.Now().Add(-time.Minute)),
		"UnverifiedEmail":  iss.idToken(t, iss.url, clientID, "g-1", "x@example.com", false, hour),
		"SignedByOtherKey": other.idToken(t, iss.url, clientID, "g-1", "x@example.com", true, hour),
		"Garbage":          "not.a.token",
	} {
		resp, data := b.call(t, "POST", "/api/auth/google", "", map[string]string{"id_token": bad}, nil)
		requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
		_ = name
	}
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n))
	require.Equal(t, 2, n, "no account made from a bad token")

	// A Google account cannot take over the Google link of an account with its email.
	resp, data = b.call(t, "POST", "/api/auth/google", "", map[string]string{
		"id_token": iss.idToken(t, iss.url, clientID, "g-other", "clara@example.com", true, hour)}, nil)
	requireError(t, resp, data, http.StatusConflict, "conflict")

	t.Run("NotConfigured", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp, data := b.call(t, "POST", "/api/auth/google", "", map[string]string{"id_token": tok}, nil)
		requireError(t, resp, data, http.StatusNotFound, "not_configured")
	})
}

func TestOpsForAdmins(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, userTok := b.user(t, "user@example.com")
	admin, adminTok := b.user(t, "admin@example.com")
	require.NoError(t, store.SetRole(context.Background(), b.pool, admin.ID, store.RoleAdmin))

	resp, data := b.call(t, "GET", "/ops/river/", userTok, nil, nil)
	requireError(t, resp, data, http.StatusForbidden, "forbidden")
	resp, _ = b.call(t, "GET", "/ops/river/", adminTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = b.do(t, "GET", "/ops/river/", nil, http.Header{"Cookie": {"mirubato_access=" + adminTok}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, data = b.call(t, "GET", "/ops/river/", adminTok+"x", nil, nil)
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
}
