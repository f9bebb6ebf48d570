package api

import (
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
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
	s.metrics.ObserveHTTP(c.Method(), route, status, d)
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

// requireOperator admits operators by HTTP Basic credentials from OPS_USERNAME and
// OPS_PASSWORD. With none configured, /ops stays closed.
func (s *Server) requireOperator(c *fiber.Ctx) error {
	deny := func(msg string) error {
		c.Set(fiber.HeaderWWWAuthenticate, `Basic realm="mirubato operators", charset="UTF-8"`)
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg}
	}
	if s.cfg.OpsUsername == "" {
		return deny("operator access is not configured on this server (set OPS_USERNAME and OPS_PASSWORD)")
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
