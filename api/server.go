// Package api is the HTTP side of mirubato: a Fiber app with one route table (routes.go),
// one error shape (errors.go), health and metrics endpoints and the operator pages.
package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"time"

	"github.com/go-playground/validator/v10"
	gojson "github.com/goccy/go-json"
	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/live"
	"github.com/mirubato/mirubato/internal/mail"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/pipelines/fanout"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// Deps is everything the API needs, wired by the caller.
type Deps struct {
	Config  *config.Config
	Logger  *slog.Logger
	Pool    *pgxpool.Pool
	River   *river.Client[pgx.Tx]
	Metrics *metrics.Metrics
	// Sessions signs users in and out; Google verifies Google ID tokens (nil: disabled).
	Sessions *auth.Sessions
	Google   *auth.Google
	// Mailer sends email; Mailbox, in development without SMTP, is also the Mailer and is
	// shown at /dev/mailbox.
	Mailer  Mailer
	Mailbox *mail.Mailbox
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Blobs holds score files; Scores accepts uploads (its Limits bound them) and URL
	// imports (downloaded by the workers).
	Blobs  blob.Store
	Scores *scores.Intake
	// Embedder embeds search queries: the same model as the workers' (EMBEDDING_*).
	Embedder embed.Embedder
	// Web is the browser client's build (web.Assets()); nil serves a page saying how to
	// build it.
	Web fs.FS
}

// Server is the API. Create it with New, serve it with Serve.
type Server struct {
	app       *fiber.App
	cfg       *config.Config
	logger    *slog.Logger
	pool      *pgxpool.Pool
	river     *river.Client[pgx.Tx]
	metrics   *metrics.Metrics
	sessions  *auth.Sessions
	google    *auth.Google
	mailer    Mailer
	mailbox   *mail.Mailbox
	validator *validator.Validate
	now       func() time.Time
	blobs     blob.Store
	scores    *scores.Intake
	embedder  embed.Embedder
	// composerNames groups the names of one composer in GET /api/composers and the search
	// facets ("Chopin, Frédéric", "F. Chopin": "Frédéric Chopin").
	composerNames *metadata.ComposerNames
	spec          []byte // the OpenAPI document, built once from the route table
	web           webFiles
	uploads       map[string]bool // the upload routes' paths, lower case: their bodies are forms
	baseCtx       context.Context
	// hub wakes this process's sync sockets; liveCtx ends them when the server stops.
	hub        *live.Hub
	liveCtx    context.Context
	liveCancel context.CancelFunc
}

// New builds the Fiber app and its background parts (River UI caches), which live until ctx ends.
func New(ctx context.Context, d Deps) (*Server, error) {
	s := &Server{
		cfg: d.Config, logger: d.Logger, pool: d.Pool, river: d.River, metrics: d.Metrics, now: d.Now,
		sessions: d.Sessions, google: d.Google, mailer: d.Mailer, mailbox: d.Mailbox, validator: newValidator(),
		baseCtx: ctx, blobs: d.Blobs, scores: d.Scores, uploads: map[string]bool{}, embedder: d.Embedder,
		composerNames: metadata.NewComposerNames(),
	}
	if s.blobs == nil || s.scores == nil || s.embedder == nil {
		return nil, errors.New("api: Deps.Blobs, Deps.Scores and Deps.Embedder are required")
	}
	var err error
	if s.web, err = loadWebFiles(d.Web); err != nil {
		return nil, err
	}
	s.liveCtx, s.liveCancel = context.WithCancel(ctx)
	s.hub = live.New(d.Pool, fanout.Channel, d.Logger)
	go s.hub.Run(s.liveCtx)
	if s.now == nil {
		s.now = time.Now
	}
	s.app = fiber.New(fiber.Config{
		AppName: "mirubato",
		// Bodies are streamed: limitBody and readForm read them, each route's up to its limit
		// (body.go). Past BodyLimit fasthttp reads nothing ahead.
		BodyLimit:                    d.Config.MaxBodyBytes,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 s.handleError,
		// go-json encodes the same output as encoding/json at a fraction of the CPU; list
		// responses are the API's hot path (docs/performance.md).
		JSONEncoder:             gojson.Marshal,
		DisableStartupMessage:   true,
		ProxyHeader:             d.Config.ProxyHeader,
		EnableTrustedProxyCheck: len(d.Config.TrustedProxies) > 0,
		TrustedProxies:          d.Config.TrustedProxies,
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            60 * time.Second,
		IdleTimeout:             120 * time.Second,
	})
	riverUI, err := newRiverUI(ctx, d.River, d.Logger)
	if err != nil {
		return nil, err
	}
	s.routes(riverUI)
	if s.spec, err = s.buildOpenAPI(); err != nil {
		return nil, err
	}
	return s, nil
}

// App returns the Fiber app (tests drive it over a real listener).
func (s *Server) App() *fiber.App { return s.app }

// Serve accepts connections on ln until ctx is cancelled, then drains in-flight requests
// for up to the shutdown timeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	qln := newQuietListener(ln)
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(qln) }()
	s.logger.InfoContext(ctx, "api listening", slog.String("addr", ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("error serving HTTP: %w", err)
	case <-ctx.Done():
	}
	s.liveCancel() // sockets are closed with "going away": clients reconnect to another process
	done := make(chan error, 1)
	go func() { done <- s.app.ShutdownWithTimeout(s.cfg.ShutdownTimeout) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("error shutting down HTTP: %w", err)
			}
			return <-errc
		case <-tick.C:
			// A connection that was opened but has not sent its request within a second
			// of the stop will not: close it (see quietListener).
			qln.closeQuiet(time.Second)
		}
	}
}

// streamJSON answers with v encoded straight into the response's (reused) body buffer.
// c.JSON allocates the whole encoded body for every request first; on the list endpoints,
// with pages of tens of kilobytes, that was a fifth of what a request allocated.
func streamJSON(c *fiber.Ctx, v any) error {
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	c.Response().ResetBody()
	if err := gojson.NewEncoder(c.Response().BodyWriter()).Encode(v); err != nil {
		return fmt.Errorf("error encoding the response: %w", err)
	}
	return nil
}
