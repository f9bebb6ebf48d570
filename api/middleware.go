package api

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mirubato/mirubato/internal/store"
)

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals("requestid").(string)
	return id
}

// accessLog logs one line per request and records its metrics. Query strings are not
// logged: they may carry tokens.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	chainErr := c.Next()
	if chainErr != nil {
		// Let the error handler write the response now, so the status logged is the one sent.
		if err := s.app.ErrorHandler(c, chainErr); err != nil {
			_ = c.SendStatus(http.StatusInternalServerError)
		}
	}
	d := time.Since(start)
	status := c.Response().StatusCode()
	route := routeLabel(c)
	// Prometheus keeps label values for the life of the process: they must not point into
	// Fiber's request buffers (a later request would rewrite them).
	s.metrics.ObserveHTTP(methodLabel(c), route, status, d)
	level := slog.LevelInfo
	if route == "/livez" || route == "/readyz" || route == "/metrics" {
		level = slog.LevelDebug // probes would drown everything else
	}
	s.logger.LogAttrs(c.UserContext(), level, "http request",
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.Int("bytes", len(c.Response().Body())),
		slog.String("ip", c.IP()),
	)
	return nil
}

// methodLabel is the request's method as one of a fixed set of constants: never a string
// that points into the request buffer, and no series for made-up methods.
func methodLabel(c *fiber.Ctx) string {
	m := c.Method()
	for _, known := range [...]string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut,
		fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions} {
		if m == known {
			return known // the constant, not m
		}
	}
	return "OTHER"
}

// routeLabel is the matched route pattern, so metrics have one series per route, not per URL.
func routeLabel(c *fiber.Ctx) string {
	r := c.Route()
	// The global middleware's route ("/") is all Fiber reports when nothing else matched.
	if r == nil || r.Path == "/" {
		return "unmatched"
	}
	return r.Path
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.logger.ErrorContext(c.UserContext(), "panic in handler",
		slog.String("request_id", requestID(c)), slog.Any("panic", e))
}

// requireOperator admits admins (an access token, header or cookie, of a user with the
// admin role) and, as a fallback for operators, HTTP Basic credentials from OPS_USERNAME and
// OPS_PASSWORD.
func (s *Server) requireOperator(c *fiber.Ctx) error {
	// The operators' API (/api/ops/) is the web client's: no Basic challenge there, which
	// would make the browser ask for a password over the client when a session expires.
	api := strings.HasPrefix(c.Path(), "/api/")
	deny := func(msg string) error {
		if !api {
			c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="mirubato operators", charset="UTF-8"`)
		}
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg}
	}
	// One credential: an access token (header or, without an Authorization header, the
	// cookie), or Basic operator credentials; a Basic header never falls back to the cookie.
	if tok, from := credential(c); from == fromHeader || from == fromCookie {
		u, err := s.tokenUser(c.UserContext(), tok, false)
		var apiErr *Error
		if errors.As(err, &apiErr) {
			return deny(apiErr.Message)
		}
		if err != nil {
			return err
		}
		if u.Role != store.RoleAdmin {
			return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "operator pages are for admins"}
		}
		// An admin's browser: its cookie alone may not write to the operators' API. (River
		// UI's own requests send no such header; the cookie's SameSite=Strict guards them.)
		if api && from == fromCookie {
			if err := requireCSRFHeader(c); err != nil {
				return err
			}
		}
		return c.Next()
	}
	if s.cfg.OpsUsername == "" {
		return deny("sign in as an admin (operator credentials are not configured: OPS_USERNAME, OPS_PASSWORD)")
	}
	user, pass, ok := basicAuth(c)
	if !ok {
		return deny("operator credentials are required")
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.OpsUsername)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.OpsPassword)) == 1
	if !userOK || !passOK {
		return deny("wrong operator credentials")
	}
	// Browsers resend Basic credentials with any site's form: writes must show they are not one.
	if api && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && c.Get("X-Requested-With") == "" {
		return &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: "a write with operator credentials must send the X-Requested-With header"}
	}
	return c.Next()
}

func basicAuth(c *fiber.Ctx) (user, pass string, ok bool) {
	const prefix = "Basic "
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(h[len(prefix):])
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}
