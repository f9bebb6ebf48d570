package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/api"
	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/db"
	"github.com/mirubato/mirubato/internal/define"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/engraving"
	"github.com/mirubato/mirubato/internal/fetch"
	"github.com/mirubato/mirubato/internal/glossary"
	imslpclient "github.com/mirubato/mirubato/internal/imslp"
	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/mail"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/migrations"
	"github.com/mirubato/mirubato/pipelines/analytics"
	"github.com/mirubato/mirubato/pipelines/dictionary"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/pipelines/scores"
	"github.com/mirubato/mirubato/web"
	"github.com/mirubato/mirubato/workers"
)

// devAuthSecret signs tokens in development when AUTH_SECRET is not set. Production refuses
// to start without AUTH_SECRET (config.Load).
const devAuthSecret = "mirubato-development-only-secret-do-not-deploy"

// env is what every role starts from: validated configuration, a logger and a database pool.
type env struct {
	cfg     *config.Config
	logger  *slog.Logger
	pool    *pgxpool.Pool
	metrics *metrics.Metrics
	blobs   blob.Store
	// pdfGate bounds the untrusted files this process parses at once (a core each).
	pdfGate *pdf.Gate
	// glossary is the dictionary's curated core (embedded).
	glossary *glossary.Glossary
}

func setup(ctx context.Context, environ []string, stderr io.Writer, role string) (*env, error) {
	if role == "dev" {
		// dev is development unless told otherwise; later entries win, so this is a default.
		environ = append([]string{"MIRUBATO_ENV=" + config.EnvDevelopment}, environ...)
	}
	cfg, err := config.Load(environ)
	if err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	logger := logging.New(stderr, cfg).With(slog.String("role", role))
	logger.InfoContext(ctx, "starting", slog.Any("config", cfg))
	if cfg.AuthSecret == "" {
		cfg.AuthSecret = devAuthSecret
		logger.WarnContext(ctx, "AUTH_SECRET is not set: using the development secret")
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL, cfg.DBMaxConns)
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobs(ctx, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	g, err := glossary.Load()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("the embedded glossary: %w", err)
	}
	return &env{cfg: cfg, logger: logger, pool: pool, metrics: metrics.New(), blobs: blobs,
		pdfGate: pdf.NewGate(runtime.NumCPU()), glossary: g}, nil
}

// setupMigrated is setup for roles that need the database migrated to this build's
// version (all but migrate and dev, which migrate it).
func setupMigrated(ctx context.Context, environ []string, stderr io.Writer, role string) (*env, error) {
	e, err := setup(ctx, environ, stderr, role)
	if err != nil {
		return nil, err
	}
	if err := migrations.Check(ctx, e.pool); err != nil {
		e.pool.Close()
		return nil, err
	}
	return e, nil
}

// openBlobs opens the configured blob store.
func openBlobs(ctx context.Context, cfg *config.Config) (blob.Store, error) {
	if cfg.BlobStore == "s3" {
		s, err := blob.NewS3(ctx, blob.S3Config{Endpoint: cfg.BlobS3Endpoint, Region: cfg.BlobS3Region, Bucket: cfg.BlobS3Bucket,
			Prefix: cfg.BlobS3Prefix, AccessKey: cfg.BlobS3AccessKey, SecretKey: cfg.BlobS3SecretKey, PathStyle: cfg.BlobS3PathStyle})
		if err != nil {
			return nil, fmt.Errorf("BLOB_S3_*: %w", err)
		}
		return s, nil
	}
	s, err := blob.NewFS(cfg.BlobDir)
	if err != nil {
		return nil, fmt.Errorf("BLOB_DIR: %w", err)
	}
	return s, nil
}

func (e *env) pdfLimits() pdf.Limits {
	return pdf.Limits{MaxBytes: e.cfg.ScoreMaxBytes, MaxPages: e.cfg.ScoreMaxPages, Timeout: e.cfg.PDFParseTimeout, Gate: e.pdfGate}
}

// pipelines returns the workers and periodic jobs of every pipeline.
func (e *env) pipelines() (*river.Workers, []*river.PeriodicJob) {
	return workers.Pipelines(workers.Deps{Pool: e.pool, Logger: e.logger, Blobs: e.blobs,
		Embedder: e.embedder(), Completer: e.completer(), Quality: dictionary.Quality{
			Threshold: e.cfg.DictionaryQualityThreshold, MaxRegenerations: e.cfg.DictionaryMaxRegenerations,
		}, Scores: &scores.Deps{
			Pool: e.pool, Blobs: e.blobs, Logger: e.logger, Limits: e.pdfLimits(), DPI: e.cfg.PageImageDPI,
			Tools: pdf.Tools{Timeout: e.cfg.PDFToolTimeout, Renderer: e.cfg.PDFRenderer},
			OCR:   e.ocr(), Music: engraving.Reader{Timeout: e.cfg.PDFToolTimeout},
			Metadata: e.metadataProvider(), Fallback: metadata.NewLocal(),
			Fetcher: fetch.New(fetch.Options{MaxBytes: e.cfg.ScoreMaxBytes, Timeout: e.cfg.ImportTimeout,
				AllowPrivate: e.cfg.ImportAllowPrivate, UserAgent: "Mirubato score import (+" + e.cfg.BaseURL() + ")"}),
		}, IMSLP: &imslp.Deps{
			Pool: e.pool, Jurisdiction: e.cfg.IMSLPJurisdiction, Logger: e.logger, Timeout: e.cfg.IMSLPJobTimeout,
			Window: imslp.WindowFor(e.cfg.IMSLPRate),
			Client: &imslpclient.Client{BaseURL: e.cfg.IMSLPBaseURL, HTTP: imslpclient.NewHTTPClient(time.Minute),
				Limiter: imslpclient.NewPGLimiter(e.pool, e.cfg.IMSLPRate), MaxBytes: e.cfg.ScoreMaxBytes},
			Intake: &scores.Intake{Pool: e.pool, Blobs: e.blobs, Logger: e.logger, Limits: e.pdfLimits()},
		}, SyncRetention: time.Duration(e.cfg.SyncRetentionDays) * 24 * time.Hour})
}

// ocr is how the scores pipeline reads scanned pages; nil when OCR is off.
func (e *env) ocr() *scores.OCR {
	if !e.cfg.OCR {
		return nil
	}
	return scores.NewOCR(e.cfg.OCRLanguages, e.cfg.OCRFirstPageLanguages, e.cfg.OCRTimeout, e.cfg.OCRMaxMemoryMB<<20)
}

// embedder is the dictionary's embedder; its model's name includes the dimensions.
func (e *env) embedder() embed.Embedder {
	if e.cfg.EmbeddingProvider == "openai" {
		return embed.NewOpenAI(e.aiConfig(), e.cfg.EmbeddingModel, e.cfg.EmbeddingDims)
	}
	return embed.NewLocal(e.cfg.EmbeddingDims)
}

func (e *env) metadataProvider() metadata.Provider {
	if e.cfg.MetadataProvider == "openai" {
		p := metadata.NewOpenAI(e.aiConfig(), e.cfg.OpenAIModel)
		p.VisionModel = e.cfg.OpenAIVisionModel
		return p
	}
	return metadata.NewLocal()
}

// completer writes the dictionary's definitions.
func (e *env) completer() define.Completer {
	if e.cfg.DictionaryProvider == "openai" {
		return define.NewOpenAI(e.aiConfig(), e.cfg.OpenAIModel)
	}
	return define.NewLocal(e.glossary)
}

// aiConfig is where the OpenAI-compatible service is, for every provider that uses it.
func (e *env) aiConfig() ai.Config {
	return ai.Config{BaseURL: e.cfg.OpenAIBaseURL, APIKey: e.cfg.OpenAIAPIKey}
}

func (e *env) workerConfig() workers.Config {
	return workers.Config{
		ID:                   e.cfg.WorkerID,
		MaxWorkers:           e.cfg.MaxWorkers(),
		FetchCooldown:        e.cfg.RiverFetchCooldown,
		FetchPollInterval:    e.cfg.RiverFetchPollInterval,
		JobTimeout:           e.cfg.RiverJobTimeout,
		RescueStuckJobsAfter: e.cfg.RiverRescueStuckAfter,
	}
}

func runMigrate(ctx context.Context, environ []string, stderr io.Writer) error {
	e, err := setup(ctx, environ, stderr, "migrate")
	if err != nil {
		return err
	}
	defer e.pool.Close()
	return migrate(ctx, e)
}

func migrate(ctx context.Context, e *env) error {
	res, err := migrations.Up(ctx, e.pool, e.logger)
	if err != nil {
		return err
	}
	e.logger.InfoContext(ctx, "database migrated",
		slog.Int64("app_version", res.AppVersion), slog.Int("river_version", res.RiverVersion),
		slog.Any("applied", res.Applied))
	// The dictionary's curated glossary goes in with the schema (idempotent).
	changed, err := dictionary.Seed(ctx, e.pool, e.glossary)
	if err != nil {
		return err
	}
	e.logger.InfoContext(ctx, "glossary seeded", slog.Int("terms", len(e.glossary.Entries())), slog.Int("changed", changed))
	return nil
}

func runAPI(ctx context.Context, environ []string, stderr io.Writer) error {
	e, err := setupMigrated(ctx, environ, stderr, "api")
	if err != nil {
		return err
	}
	defer e.pool.Close()
	client, err := workers.NewInsertOnly(e.pool, e.logger, e.cfg.RiverFetchCooldown)
	if err != nil {
		return err
	}
	ln, err := listen(ctx, e)
	if err != nil {
		return err
	}
	return serveAPI(ctx, e, client, ln)
}

func listen(ctx context.Context, e *env) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", e.cfg.ListenAddr())
	if err != nil {
		return nil, fmt.Errorf("error listening on %s (PORT): %w", e.cfg.ListenAddr(), err)
	}
	return ln, nil
}

func serveAPI(ctx context.Context, e *env, client *workers.Client, ln net.Listener) error {
	if err := e.metrics.RegisterQueueStats(e.pool, queues.All(), 5*time.Second, e.logger); err != nil {
		return fmt.Errorf("error registering queue metrics: %w", err)
	}
	tokens, err := auth.NewTokens(e.cfg.AuthSecret, nil)
	if err != nil {
		return err
	}
	deps := api.Deps{
		Config: e.cfg, Logger: e.logger, Pool: e.pool, River: client, Metrics: e.metrics,
		Sessions: auth.NewSessions(e.pool, tokens), Blobs: e.blobs,
		Scores: &scores.Intake{Pool: e.pool, Blobs: e.blobs, Limits: e.pdfLimits(), Logger: e.logger,
			CheckMaxBytes: e.cfg.ScoreCheckMaxBytes},
		Embedder: e.embedder(), Web: web.Assets(),
	}
	if e.cfg.GoogleClientID != "" {
		deps.Google = auth.NewGoogle(e.cfg.GoogleIssuerURL, e.cfg.GoogleClientID)
	}
	if e.cfg.SMTPURL != "" {
		if deps.Mailer, err = mail.NewSMTP(e.cfg.SMTPURL, e.cfg.MailFrom, e.logger); err != nil {
			return err
		}
	} else {
		deps.Mailbox = mail.NewMailbox(e.logger)
		deps.Mailer = deps.Mailbox
	}
	srv, err := api.New(ctx, deps)
	if err != nil {
		_ = ln.Close()
		return err
	}
	return srv.Serve(ctx, ln)
}

// poolCloseTimeout bounds the wait for database connections at a worker's exit: a job that
// ignored its cancellation may still hold one (see workers.Shutdown). With
// SHUTDOWN_TIMEOUT's 25 s, a worker is gone 27 s after SIGTERM at most.
const poolCloseTimeout = 2 * time.Second

func runWorker(ctx context.Context, environ []string, stderr io.Writer) error {
	e, err := setupMigrated(ctx, environ, stderr, "worker")
	if err != nil {
		return err
	}
	defer db.CloseWithin(e.pool, poolCloseTimeout)
	w, periodic := e.pipelines()
	client, err := workers.New(e.pool, e.workerConfig(), e.logger, e.metrics, w, periodic)
	if err != nil {
		return err
	}
	if addr := e.cfg.WorkerMetricsAddr; addr != "" {
		stopMetrics, err := serveMetrics(ctx, e, addr)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	return workers.Run(ctx, client, e.logger, e.cfg.ShutdownTimeout)
}

// serveMetrics exposes a worker's job metrics, which only that process knows.
func serveMetrics(ctx context.Context, e *env, addr string) (func(), error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("error listening on %s (WORKER_METRICS_ADDR): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", e.metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.ErrorContext(ctx, "metrics server failed", slog.Any("error", err))
		}
	}()
	e.logger.InfoContext(ctx, "worker metrics listening", slog.String("addr", ln.Addr().String()))
	return func() { _ = srv.Close() }, nil
}

// runDev is the embedded default: migrate, then serve the API and work jobs in one process
// with one River client.
func runDev(ctx context.Context, environ []string, stdout, stderr io.Writer) error {
	e, err := setup(ctx, environ, stderr, "dev")
	if err != nil {
		return err
	}
	defer db.CloseWithin(e.pool, poolCloseTimeout)
	if err := migrate(ctx, e); err != nil {
		return err
	}
	w, periodic := e.pipelines()
	client, err := workers.New(e.pool, e.workerConfig(), e.logger, e.metrics, w, periodic)
	if err != nil {
		return err
	}
	ln, err := listen(ctx, e)
	if err != nil {
		return err
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil { // see workers.Run
		_ = ln.Close()
		return fmt.Errorf("error starting the River client: %w", err)
	}
	fmt.Fprintf(stdout, "mirubato dev: listening on http://%s (River UI: /ops/river/, health: /health)\n", ln.Addr())
	apiErr := serveAPI(ctx, e, client, ln)
	stopErr := workers.Shutdown(ctx, client, e.logger, e.cfg.ShutdownTimeout)
	return errors.Join(apiErr, stopErr)
}

// withUser runs fn for the user with email (created if missing) on a migrated database.
func withUser(ctx context.Context, environ []string, email string, stderr io.Writer, fn func(*env, *store.User) error) error {
	addr, err := netmail.ParseAddress(email)
	if err != nil || addr.Name != "" {
		return fmt.Errorf("%q is not an email address", email)
	}
	e, err := setupMigrated(ctx, environ, stderr, "cli")
	if err != nil {
		return err
	}
	defer e.pool.Close()
	user, err := store.EnsureUser(ctx, e.pool, addr.Address)
	if err != nil {
		return err
	}
	return fn(e, user)
}

func runUserRole(ctx context.Context, environ []string, email, role string, stdout, stderr io.Writer) error {
	switch role {
	case store.RoleUser, store.RoleTeacher, store.RoleAdmin:
	default:
		return fmt.Errorf("%q is not a role: user, teacher or admin", role)
	}
	return withUser(ctx, environ, email, stderr, func(e *env, user *store.User) error {
		if err := store.SetRole(ctx, e.pool, user.ID, role); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", user.Email, role)
		return nil
	})
}

func runUserToken(ctx context.Context, environ []string, email string, stdout, stderr io.Writer) error {
	return withUser(ctx, environ, email, stderr, func(e *env, user *store.User) error {
		tokens, err := auth.NewTokens(e.cfg.AuthSecret, nil)
		if err != nil {
			return err
		}
		tok, err := tokens.Issue(user.ID, auth.AccessTokenTTL)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	})
}

// runAnalyticsBackfill recomputes every user's rollups, batch by batch, with a progress line.
// It is safe while workers run (rollups of a user are serialized) and to run again.
func runAnalyticsBackfill(ctx context.Context, environ, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analytics backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	batch := fs.Int("batch", analytics.BatchSize, "users per transaction")
	concurrency := fs.Int("concurrency", 2, "transactions at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *batch < 1 || *batch > 10000 || *concurrency < 1 || *concurrency > 64 {
		return errors.New("usage: mirubato analytics backfill [-batch 1..10000] [-concurrency 1..64]")
	}
	e, err := setupMigrated(ctx, environ, stderr, "cli")
	if err != nil {
		return err
	}
	defer e.pool.Close()
	var total int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE deleted_at IS NULL`).Scan(&total); err != nil {
		return fmt.Errorf("error counting users: %w", err)
	}
	start := time.Now()
	err = analytics.Backfill(ctx, e.pool, *batch, *concurrency, func(done int) {
		fmt.Fprintf(stdout, "\rrolled up %d of %d users", done, max(total, done))
	})
	if err != nil {
		fmt.Fprintln(stdout)
		return fmt.Errorf("backfill stopped: %w", err)
	}
	fmt.Fprintf(stdout, "\rrolled up every user (%d) in %s\n", total, time.Since(start).Round(time.Millisecond))
	return nil
}
