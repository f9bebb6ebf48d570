package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/store"
)

// Cookie names: the web client authenticates with httpOnly cookies, other clients with
// "Authorization: Bearer".
const (
	accessCookie  = "mirubato_access"
	refreshCookie = "mirubato_refresh"
	// refreshCookiePath limits the refresh token to the endpoints that take it.
	refreshCookiePath = "/api/auth"
)

// Rate limits on sign-in, per fixed window, shared by every API process.
const (
	magicLinksPerEmail = 5
	magicLinksPerIP    = 20
	authPerIP          = 60
	rateWindow         = 15 * time.Minute
	writesPerUser      = 600 // per minute: generous for people, a brake for runaway clients
	importsPerUser     = 10  // per hour
	scoresPerUser      = 60  // uploads and URL imports, per hour
	definitionsPerUser = 100 // requests for AI definitions, per hour (a batch counts its items)
)

// Mailer sends one plain-text email.
type Mailer interface {
	Send(ctx context.Context, to, subject, text string) error
}

func unauthorized(msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg}
}

// Where a request's access token came from.
type credentialSource int

const (
	fromNothing     credentialSource = iota
	fromHeader                       // Authorization: Bearer
	fromCookie                       // the httpOnly cookie of the web client
	fromOtherScheme                  // an Authorization header that is not Bearer (Basic, …)
)

// credential picks the request's one credential: the Authorization header when there is
// one, else the cookie. An Authorization header of another scheme is not a reason to fall
// back to the cookie: that would let a forged request skip the cookie's CSRF check by
// sending any Authorization header at all.
func credential(c *fiber.Ctx) (string, credentialSource) {
	h := c.Get(fiber.HeaderAuthorization)
	switch {
	case len(h) > 7 && strings.EqualFold(h[:7], "Bearer "):
		return strings.TrimSpace(h[7:]), fromHeader
	case h != "":
		return "", fromOtherScheme
	}
	if tok := c.Cookies(accessCookie); tok != "" {
		return tok, fromCookie
	}
	return "", fromNothing
}

// requireCSRFHeader refuses a write authenticated by a cookie that lacks the
// X-Requested-With header. Browsers do not let another site's page set that header, so a
// forged form or image cannot act for a signed-in user; SameSite=Strict is the first line.
// Call it for cookie credentials only.
func requireCSRFHeader(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return nil
	}
	if c.Get("X-Requested-With") != "" {
		return nil
	}
	return &Error{Status: http.StatusForbidden, Code: "forbidden",
		Message: "a write authenticated by cookie must send the X-Requested-With header"}
}

// currentUser reads the user that authenticate stored.
func currentUser(c *fiber.Ctx) *store.User {
	u, _ := c.Locals("user").(*store.User)
	return u
}

// authenticate admits requests with a valid access token of an existing account. A token
// stays signed after its account is deleted, so the account is looked up every time.
func (s *Server) authenticate(allowDeleted bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tok, from := credential(c)
		switch from {
		case fromNothing:
			return unauthorized("sign in first: send an access token as Authorization: Bearer <token>")
		case fromOtherScheme:
			return unauthorized("the Authorization header must be Bearer <access token>; no other scheme is accepted here")
		case fromCookie:
			if err := requireCSRFHeader(c); err != nil {
				return err
			}
		}
		u, err := s.tokenUser(c.UserContext(), tok, allowDeleted)
		if err != nil {
			return err
		}
		c.Locals("user", u)
		return c.Next()
	}
}

// tokenUser returns the account an access token is for: a 401 *Error when the token is
// invalid or expired or the account is gone (or, unless allowDeleted, being deleted).
func (s *Server) tokenUser(ctx context.Context, tok string, allowDeleted bool) (*store.User, error) {
	id, err := s.sessions.Tokens().Verify(tok)
	if err != nil {
		return nil, unauthorized("the access token is invalid or expired; refresh it or sign in again")
	}
	u, err := store.GetUser(ctx, s.pool, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.DeletedAt != nil && !allowDeleted) {
		return nil, unauthorized("this account no longer exists")
	}
	return u, err
}

// limit counts a hit on key and refuses the request past max hits per window.
func (s *Server) limit(c *fiber.Ctx, key string, maxHits int, window time.Duration) error {
	return s.limitN(c, key, 1, maxHits, window)
}

// limitN is limit for n hits at once.
func (s *Server) limitN(c *fiber.Ctx, key string, n, maxHits int, window time.Duration) error {
	hits, err := store.HitN(c.UserContext(), s.pool, key, n, window, s.now())
	if errors.Is(err, store.ErrLimitBusy) {
		// So many requests of one client at once that their counter is a queue: the answer
		// is the limit's, at once, not a place in that queue.
		c.Set(fiber.HeaderRetryAfter, "1")
		return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many requests at once; try again in a second"}
	}
	if err != nil {
		return err
	}
	if hits > maxHits {
		if n > 1 { // a refused batch does not use up what is left of the window
			if _, err := store.HitN(c.UserContext(), s.pool, key, -n, window, s.now()); err != nil {
				return err
			}
		}
		retry := s.now().Truncate(window).Add(window).Sub(s.now())
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(retry.Seconds())+1))
		return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: fmt.Sprintf("too many attempts; try again in %d minutes", int(retry.Minutes())+1)}
	}
	return nil
}

// clientKey is the client's address for rate limits: IPv6 clients by their /64 (one
// subscriber's network), since a single host may use any address in it.
func clientKey(c *fiber.Ctx) string {
	ip := net.ParseIP(c.IP())
	if ip == nil {
		return c.IP()
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// limitWrites brakes a user's writes (all API processes together).
func (s *Server) limitWrites(c *fiber.Ctx) error {
	id := currentUser(c).ID.String()
	// The route's path, not the request's: routing ignores case and a trailing slash.
	route := c.Route().Path
	if route == "/api/sync/push" {
		return c.Next() // counts its changes, not itself (syncPush)
	}
	if err := s.limit(c, "writes:"+id, writesPerUser, time.Minute); err != nil {
		return err
	}
	switch {
	case route == "/api/import":
		if err := s.limit(c, "imports:"+id, importsPerUser, time.Hour); err != nil {
			return err
		}
	case c.Method() == fiber.MethodPost && (route == "/api/scores" || route == "/api/scores/images" || route == "/api/import/url"):
		if err := s.limit(c, "scores:"+id, scoresPerUser, time.Hour); err != nil {
			return err
		}
	}
	return c.Next()
}

// limitDefinitions brakes a user's requests for definitions: n more of them now.
func (s *Server) limitDefinitions(c *fiber.Ctx, n int) error {
	return s.limitN(c, "definitions:"+currentUser(c).ID.String(), n, definitionsPerUser, time.Hour)
}

// limitAuthByIP guards every sign-in endpoint.
func (s *Server) limitAuthByIP(c *fiber.Ctx) error {
	if err := s.limit(c, "auth-ip:"+clientKey(c), authPerIP, rateWindow); err != nil {
		return err
	}
	return c.Next()
}

type magicLinkRequest struct {
	Email string `json:"email" validate:"required,email,max=320"`
}

type messageResponse struct {
	Message string `json:"message"`
}

// requestMagicLink mails a single-use sign-in link. The answer is the same whether or not
// an account exists, so it cannot be used to probe for addresses.
func (s *Server) requestMagicLink(c *fiber.Ctx) error {
	var req magicLinkRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(req.Email)
	if err != nil || addr.Name != "" {
		return invalid("email must be an email address", FieldError{Field: "email", Message: "must be an email address"})
	}
	email := strings.ToLower(addr.Address)
	if err := s.limit(c, "magic-ip:"+clientKey(c), magicLinksPerIP, rateWindow); err != nil {
		return err
	}
	if err := s.limit(c, "magic-email:"+email, magicLinksPerEmail, rateWindow); err != nil {
		return err
	}
	token, err := s.sessions.NewMagicLink(c.UserContext(), email)
	if err != nil {
		return err
	}
	link := s.cfg.BaseURL() + "/auth/verify?token=" + token
	body := "Hello,\n\nsign in to Mirubato with this link (valid for 15 minutes, once):\n\n" + link +
		"\n\nIf you did not ask for it, ignore this message.\n"
	ctx, cancel := context.WithTimeout(c.UserContext(), 20*time.Second)
	defer cancel()
	if err := s.mailer.Send(ctx, email, "Your Mirubato sign-in link", body); err != nil {
		s.logger.ErrorContext(ctx, "error sending magic link", slog.Any("error", err))
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "the sign-in email could not be sent right now; try again in a minute"}
	}
	return c.Status(http.StatusAccepted).JSON(messageResponse{Message: "if the address is valid, a sign-in link is on its way"})
}

type verifyMagicLinkRequest struct {
	Token string `json:"token" validate:"required,max=200"`
}

// sessionResponse is what every sign-in and refresh returns.
type sessionResponse struct {
	auth.Session
	User *store.User `json:"user"`
}

func (s *Server) verifyMagicLink(c *fiber.Ctx) error {
	var req verifyMagicLinkRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	sess, user, err := s.sessions.UseMagicLink(c.UserContext(), req.Token)
	if errors.Is(err, store.ErrNotFound) {
		return unauthorized("this sign-in link is invalid, expired or already used; ask for a new one")
	}
	if err != nil {
		return err
	}
	return s.respondSession(c, sess, user)
}

type googleRequest struct {
	IDToken string `json:"id_token" validate:"required,max=10000"`
}

// googleSignIn verifies a Google ID token and signs its user in: by the linked Google
// account, else by the verified email (linking it), else as a new account.
func (s *Server) googleSignIn(c *fiber.Ctx) error {
	var req googleRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	id, err := s.google.Verify(ctx, req.IDToken)
	switch {
	case errors.Is(err, auth.ErrGoogleNotConfigured):
		return &Error{Status: http.StatusNotFound, Code: "not_configured", Message: "Google sign-in is not enabled on this server"}
	case errors.Is(err, auth.ErrInvalidToken):
		return unauthorized("the Google ID token is invalid or expired")
	case err != nil:
		s.logger.ErrorContext(ctx, "error verifying Google token", slog.Any("error", err))
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "Google sign-in is unavailable right now"}
	}
	var sess *auth.Session
	var user *store.User
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		user, err = store.UserByGoogleSub(ctx, tx, id.Subject)
		if errors.Is(err, store.ErrNotFound) {
			if user, err = store.EnsureUser(ctx, tx, id.Email); err != nil {
				return err
			}
			if user.GoogleSub != nil && *user.GoogleSub != id.Subject {
				return &Error{Status: http.StatusConflict, Code: "conflict",
					Message: "this email address belongs to an account linked to another Google account"}
			}
			err = store.LinkGoogle(ctx, tx, user.ID, id.Subject)
		}
		if err != nil {
			return err
		}
		if user.DeletedAt != nil {
			return unauthorized("this account no longer exists")
		}
		sess, err = s.sessions.Start(ctx, tx, user.ID)
		return err
	})
	if err != nil {
		return err
	}
	return s.respondSession(c, sess, user)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token,omitempty" validate:"max=200"`
}

// refreshToken reads the refresh token from the body, else from the cookie.
func (s *Server) refreshToken(c *fiber.Ctx) (string, error) {
	var req refreshRequest
	if len(c.Body()) > 0 {
		if err := s.decode(c, &req); err != nil {
			return "", err
		}
	}
	if req.RefreshToken == "" {
		req.RefreshToken = c.Cookies(refreshCookie)
		if req.RefreshToken != "" {
			if err := requireCSRFHeader(c); err != nil {
				return "", err
			}
		}
	}
	return strings.Clone(req.RefreshToken), nil
}

func (s *Server) refresh(c *fiber.Ctx) error {
	tok, err := s.refreshToken(c)
	if err != nil {
		return err
	}
	if tok == "" {
		return unauthorized("send the refresh token (refresh_token in the body, or the cookie)")
	}
	sess, userID, err := s.sessions.Refresh(c.UserContext(), tok)
	switch {
	case errors.Is(err, store.ErrRefreshRaced):
		return unauthorized("this refresh token was exchanged a moment ago (another tab or a retry); use the newest one")
	case errors.Is(err, store.ErrRefreshReused):
		s.clearCookies(c)
		return unauthorized("this refresh token was already used, so the session has been signed out everywhere; sign in again")
	case errors.Is(err, store.ErrNotFound):
		s.clearCookies(c)
		return unauthorized("the refresh token is invalid, expired or revoked; sign in again")
	case err != nil:
		return err
	}
	user, err := store.GetUser(c.UserContext(), s.pool, userID)
	if err != nil {
		return err
	}
	return s.respondSession(c, sess, user)
}

func (s *Server) logout(c *fiber.Ctx) error {
	tok, err := s.refreshToken(c)
	if err != nil {
		return err
	}
	if tok != "" {
		if err := s.sessions.Logout(c.UserContext(), tok); err != nil {
			return err
		}
	}
	s.clearCookies(c)
	return c.SendStatus(http.StatusNoContent)
}

type verifyResponse struct {
	User *store.User `json:"user"`
}

func (s *Server) verify(c *fiber.Ctx) error {
	return c.JSON(verifyResponse{User: currentUser(c)})
}

func (s *Server) respondSession(c *fiber.Ctx, sess *auth.Session, user *store.User) error {
	secure := !s.cfg.Development()
	c.Cookie(&fiber.Cookie{Name: accessCookie, Value: sess.AccessToken, Path: "/", HTTPOnly: true, Secure: secure,
		SameSite: fiber.CookieSameSiteStrictMode, MaxAge: int(auth.AccessTokenTTL.Seconds())})
	c.Cookie(&fiber.Cookie{Name: refreshCookie, Value: sess.RefreshToken, Path: refreshCookiePath, HTTPOnly: true,
		Secure: secure, SameSite: fiber.CookieSameSiteStrictMode, MaxAge: int(auth.RefreshTokenTTL.Seconds())})
	return c.JSON(sessionResponse{Session: *sess, User: user})
}

func (s *Server) clearCookies(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: accessCookie, Path: "/", HTTPOnly: true, MaxAge: -1, Expires: time.Unix(0, 0)})
	c.Cookie(&fiber.Cookie{Name: refreshCookie, Path: refreshCookiePath, HTTPOnly: true, MaxAge: -1, Expires: time.Unix(0, 0)})
}
