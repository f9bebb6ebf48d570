// Package config reads the process configuration from environment variables, validates it
// and knows how to log it with its secrets masked.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/mirubato/mirubato/internal/queues"
)

// Environment names.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Config is the whole configuration of a mirubato process. Every field comes from the
// environment variable named in its tag; README.md documents each of them.
type Config struct {
	// Env defaults to production, so that a deploy that forgets it is not left with
	// development settings; `mirubato dev` and `make run` set development.
	Env         string `env:"MIRUBATO_ENV" envDefault:"production"`
	DatabaseURL string `env:"DATABASE_URL,required"`
	DBMaxConns  int32  `env:"DB_MAX_CONNS" envDefault:"20"`

	Port       int    `env:"PORT" envDefault:"8080"`
	ListenHost string `env:"LISTEN_HOST"`
	// MaxBodyBytes bounds every request body; larger ones get 413.
	MaxBodyBytes int `env:"HTTP_MAX_BODY_BYTES" envDefault:"4194304"`

	LogLevel  string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"LOG_FORMAT"`

	// AuthSecret signs access tokens (HMAC). Required in production.
	AuthSecret string `env:"AUTH_SECRET" secret:"true"`

	// PublicURL is where users reach the web app; links in emails point there.
	// Empty: http://<listen address> in development (required in production).
	PublicURL string `env:"PUBLIC_URL"`
	// SMTPURL sends mail: smtp://user:pass@host:587, smtps://…, smtp+insecure://host:25.
	// Empty in development: mail goes to the dev mailbox (GET /dev/mailbox) and the log.
	SMTPURL  string `env:"SMTP_URL" secret:"url"`
	MailFrom string `env:"MAIL_FROM" envDefault:"Mirubato <no-reply@mirubato.localhost>"`
	// GoogleClientID enables Google sign-in; GoogleIssuerURL is the OpenID issuer (tests
	// point it at a local one).
	GoogleClientID  string `env:"GOOGLE_CLIENT_ID"`
	GoogleIssuerURL string `env:"GOOGLE_ISSUER_URL" envDefault:"https://accounts.google.com"`

	// ProxyHeader names the header that carries the client address when the API runs behind
	// a load balancer (X-Forwarded-For); it is believed only from TrustedProxies (IPs or CIDRs).
	ProxyHeader    string   `env:"PROXY_HEADER"`
	TrustedProxies []string `env:"TRUSTED_PROXIES"`

	// OpsUsername and OpsPassword guard /ops/* (River UI). Empty means /ops is closed.
	OpsUsername string `env:"OPS_USERNAME"`
	OpsPassword string `env:"OPS_PASSWORD" secret:"true"`

	// RiverMaxWorkers overrides the number of concurrent jobs per queue, e.g. "scores=4,default=50".
	RiverMaxWorkers map[string]int `env:"RIVER_MAX_WORKERS" envKeyValSeparator:"="`
	// WorkerQueues, when set, are the only queues this worker process works (dedicated
	// worker pools, e.g. "imslp" on its own dynos); empty means every queue.
	WorkerQueues           []string      `env:"WORKER_QUEUES"`
	RiverFetchCooldown     time.Duration `env:"RIVER_FETCH_COOLDOWN" envDefault:"1ms"`
	RiverFetchPollInterval time.Duration `env:"RIVER_FETCH_POLL_INTERVAL" envDefault:"1s"`
	// RiverJobTimeout bounds one job's run unless its worker sets its own Timeout.
	RiverJobTimeout time.Duration `env:"RIVER_JOB_TIMEOUT" envDefault:"1m"`
	// RiverRescueStuckAfter is when a job left running by a worker that died (SIGKILL, OOM,
	// lost machine) is handed to another worker: River rescues a job after the longer of
	// this and the job's own timeout, so it needs to exceed only RIVER_JOB_TIMEOUT (jobs
	// without their own). Short enough that the scores pipeline, whose jobs are bounded
	// near a minute, resumes within two minutes of a worker's death (docs/timeouts.md).
	RiverRescueStuckAfter time.Duration `env:"RIVER_RESCUE_STUCK_AFTER" envDefault:"75s"`
	ShutdownTimeout       time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"25s"`
	// WorkerID names this process's River client (River UI, a job's attempted_by); empty:
	// River's name of the host and start time.
	WorkerID string `env:"WORKER_ID"`
	// WorkerMetricsAddr, when set, makes `mirubato worker` serve /metrics on that address.
	WorkerMetricsAddr string `env:"WORKER_METRICS_ADDR"`
	// SyncRetentionDays is how long the sync change log keeps a change; a device whose
	// cursor is older reads its whole account again (docs/sync-protocol.md).
	SyncRetentionDays int `env:"SYNC_RETENTION_DAYS" envDefault:"90"`

	// Blobs (score PDFs, page images): BLOB_STORE fs (a directory, BLOB_DIR) or s3 (a
	// bucket of any S3-compatible service).
	BlobStore       string `env:"BLOB_STORE" envDefault:"fs"`
	BlobDir         string `env:"BLOB_DIR" envDefault:"data/blobs"`
	BlobS3Endpoint  string `env:"BLOB_S3_ENDPOINT"`
	BlobS3Region    string `env:"BLOB_S3_REGION" envDefault:"us-east-1"`
	BlobS3Bucket    string `env:"BLOB_S3_BUCKET"`
	BlobS3Prefix    string `env:"BLOB_S3_PREFIX"`
	BlobS3AccessKey string `env:"BLOB_S3_ACCESS_KEY"`
	BlobS3SecretKey string `env:"BLOB_S3_SECRET_KEY" secret:"true"`
	BlobS3PathStyle bool   `env:"BLOB_S3_PATH_STYLE" envDefault:"false"`

	// Scores: limits on untrusted PDFs, and the pipeline's tools.
	ScoreMaxBytes int64 `env:"SCORE_MAX_BYTES" envDefault:"52428800"`
	// ScoreCheckMaxBytes: an upload up to this size is read whole (pdfcpu) in its request, a
	// damaged one answered 422; a larger one is read by the pipeline's split step (a parse
	// holds the whole file in memory, and the API takes many uploads at once).
	ScoreCheckMaxBytes int64         `env:"SCORE_CHECK_MAX_BYTES" envDefault:"8388608"`
	ScoreMaxPages      int           `env:"SCORE_MAX_PAGES" envDefault:"1000"`
	PDFParseTimeout    time.Duration `env:"PDF_PARSE_TIMEOUT" envDefault:"30s"`
	// PDFToolTimeout bounds one pdftoppm or pdftotext run on one page (milliseconds to a
	// second or two on real scores); a render job's time limit, and so its rescue, follows.
	PDFToolTimeout time.Duration `env:"PDF_TOOL_TIMEOUT" envDefault:"20s"`
	PageImageDPI   int           `env:"PAGE_IMAGE_DPI" envDefault:"110"`
	// PDFRenderer draws page images: mutool (MuPDF; faster) or pdftoppm (poppler).
	PDFRenderer string `env:"PDF_RENDERER" envDefault:"mutool"`
	// OCR of scanned pages (Tesseract): on or off, the languages of every page and the
	// longer list of page 1 (its title page), the time and memory one page may take.
	OCR                   bool          `env:"OCR" envDefault:"true"`
	OCRLanguages          []string      `env:"OCR_LANGUAGES" envSeparator:"+" envDefault:"eng+deu+fra+ita+spa"`
	OCRFirstPageLanguages []string      `env:"OCR_FIRST_PAGE_LANGUAGES" envSeparator:"+" envDefault:"eng+deu+fra+ita+spa+ces+nld+nor+swe+dan+pol+por+lat+rus"`
	OCRTimeout            time.Duration `env:"OCR_TIMEOUT" envDefault:"60s"`
	OCRMaxMemoryMB        int64         `env:"OCR_MAX_MEMORY_MB" envDefault:"2048"`
	// URL imports: the whole download's time limit (the fetch step's own limit adds the
	// parse), and whether non-public addresses may be fetched (off: only the public internet).
	ImportTimeout      time.Duration `env:"SCORE_IMPORT_TIMEOUT" envDefault:"30s"`
	ImportAllowPrivate bool          `env:"SCORE_IMPORT_ALLOW_PRIVATE" envDefault:"false"`
	// METADATA_PROVIDER: local (no network) or openai (any OpenAI-compatible service).
	MetadataProvider string `env:"METADATA_PROVIDER" envDefault:"local"`
	OpenAIBaseURL    string `env:"OPENAI_BASE_URL" envDefault:"https://api.openai.com/v1"`
	OpenAIAPIKey     string `env:"OPENAI_API_KEY" secret:"true"`
	OpenAIModel      string `env:"OPENAI_MODEL" envDefault:"gpt-4o-mini"`
	// OpenAIVisionModel is asked, with page 1's image, for scores whose first page has no
	// usable text (a scan); "" means OPENAI_MODEL, which must then accept images.
	OpenAIVisionModel string `env:"OPENAI_VISION_MODEL"`

	// Dictionary embeddings: EMBEDDING_PROVIDER local (feature hashing, no network) or
	// openai (OPENAI_BASE_URL's embeddings endpoint with EMBEDDING_MODEL), at EMBEDDING_DIMS.
	EmbeddingProvider string `env:"EMBEDDING_PROVIDER" envDefault:"local"`
	EmbeddingModel    string `env:"EMBEDDING_MODEL" envDefault:"text-embedding-3-small"`
	EmbeddingDims     int    `env:"EMBEDDING_DIMS" envDefault:"768"`

	// Dictionary definitions: DICTIONARY_PROVIDER local (the glossary's English terms) or
	// openai (OPENAI_MODEL at OPENAI_BASE_URL, every language). An answer scoring below
	// DICTIONARY_QUALITY_THRESHOLD on the rubric is asked for again, at most
	// DICTIONARY_MAX_REGENERATIONS times, then kept for review.
	DictionaryProvider         string  `env:"DICTIONARY_PROVIDER" envDefault:"local"`
	DictionaryQualityThreshold float64 `env:"DICTIONARY_QUALITY_THRESHOLD" envDefault:"0.7"`
	DictionaryMaxRegenerations int     `env:"DICTIONARY_MAX_REGENERATIONS" envDefault:"2"`

	// IMSLP import: the site, the request rate all worker processes share (0: no limit),
	// and where a file must be public domain to be imported (us, eu or ca).
	IMSLPBaseURL      string  `env:"IMSLP_BASE_URL" envDefault:"https://imslp.org"`
	IMSLPRate         float64 `env:"IMSLP_RATE" envDefault:"1"`
	IMSLPJurisdiction string  `env:"IMSLP_JURISDICTION" envDefault:"us"`
	// IMSLPJobTimeout bounds one work's import (page, download, rate-limit waits of at most
	// a few seconds: a farther turn snoozes the job); a dead worker's import is retried after
	// the longer of it and RIVER_RESCUE_STUCK_AFTER.
	IMSLPJobTimeout time.Duration `env:"IMSLP_JOB_TIMEOUT" envDefault:"5m"`
}

// Load reads the configuration from environ (os.Environ form: "KEY=value") and validates it.
// Errors name the variable that is wrong.
func Load(environ []string) (*Config, error) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ { // later entries win, as in a shell
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			vars[k] = v
		}
	}
	var cfg Config
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: vars}); err != nil {
		return nil, explain(err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// Development reports whether this is a development process (mirubato dev, local runs).
func (c *Config) Development() bool { return c.Env == EnvDevelopment }

// ListenAddr is the host:port the HTTP server binds. Development binds loopback only.
func (c *Config) ListenAddr() string {
	host := c.ListenHost
	if host == "" && c.Development() {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("%s:%d", host, c.Port)
}

// BaseURL is PublicURL, or the local listen address in development.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimSuffix(c.PublicURL, "/")
	}
	return "http://" + c.ListenAddr()
}

// MaxWorkers returns the concurrency of every queue this process works: the defaults
// overridden by RIVER_MAX_WORKERS, only the WORKER_QUEUES when set.
func (c *Config) MaxWorkers() map[string]int {
	out := queues.DefaultMaxWorkers()
	for q, n := range c.RiverMaxWorkers {
		out[q] = n
	}
	if len(c.WorkerQueues) > 0 {
		for q := range out {
			if !slices.Contains(c.WorkerQueues, q) {
				delete(out, q)
			}
		}
	}
	return out
}

func (c *Config) validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	switch c.Env {
	case EnvDevelopment, EnvProduction:
	default:
		bad("MIRUBATO_ENV", "%q is not one of development, production", c.Env)
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("DATABASE_URL", "must be a postgres:// URL")
	}
	if c.DBMaxConns < 2 {
		bad("DB_MAX_CONNS", "must be at least 2, got %d", c.DBMaxConns)
	}
	if c.Port < 0 || c.Port > 65535 { // 0: any free port (tests)
		bad("PORT", "must be between 0 and 65535, got %d", c.Port)
	}
	if c.ScoreMaxBytes < 1024 {
		bad("SCORE_MAX_BYTES", "must be at least 1024, got %d", c.ScoreMaxBytes)
	}
	if c.ScoreCheckMaxBytes < 0 || c.ScoreCheckMaxBytes > c.ScoreMaxBytes {
		bad("SCORE_CHECK_MAX_BYTES", "must be between 0 and SCORE_MAX_BYTES (%d), got %d", c.ScoreMaxBytes, c.ScoreCheckMaxBytes)
	}
	if c.ScoreMaxPages < 1 {
		bad("SCORE_MAX_PAGES", "must be at least 1, got %d", c.ScoreMaxPages)
	}
	if c.PDFParseTimeout <= 0 || c.PDFToolTimeout <= 0 {
		bad("PDF_PARSE_TIMEOUT/PDF_TOOL_TIMEOUT", "must be positive durations such as 30s")
	}
	if c.PDFRenderer != "mutool" && c.PDFRenderer != "pdftoppm" {
		bad("PDF_RENDERER", "must be mutool or pdftoppm, got %q", c.PDFRenderer)
	}
	if c.OCRTimeout <= 0 {
		bad("OCR_TIMEOUT", "must be positive, got %s", c.OCRTimeout)
	}
	if c.OCRMaxMemoryMB < 256 {
		bad("OCR_MAX_MEMORY_MB", "must be at least 256 (Tesseract needs about 200 MB for a page), got %d", c.OCRMaxMemoryMB)
	}
	// A Tesseract language code: "eng", "chi_sim", "script/Latin".
	tesseractLanguage := regexp.MustCompile(`^[a-z]{3}(_[a-z]+)?$|^script/[A-Za-z_]+$`)
	for _, l := range append(append([]string{}, c.OCRLanguages...), c.OCRFirstPageLanguages...) {
		if !tesseractLanguage.MatchString(l) {
			bad("OCR_LANGUAGES", "%q is not a Tesseract language code (eng, deu, fra…; joined by +)", l)
		}
	}
	if c.PageImageDPI < 30 || c.PageImageDPI > 600 {
		bad("PAGE_IMAGE_DPI", "must be between 30 and 600, got %d", c.PageImageDPI)
	}
	// Providers: local, or openai (then the service's URL and a model are needed).
	openAI := []string{}
	for _, p := range []struct{ name, value string }{
		{"METADATA_PROVIDER", c.MetadataProvider}, {"EMBEDDING_PROVIDER", c.EmbeddingProvider}, {"DICTIONARY_PROVIDER", c.DictionaryProvider},
	} {
		switch p.value {
		case "local":
		case "openai":
			openAI = append(openAI, p.name)
		default:
			bad(p.name, "%q is not one of local, openai", p.value)
		}
	}
	if len(openAI) > 0 {
		if u, err := url.Parse(c.OpenAIBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("OPENAI_BASE_URL", "must be an http(s) URL such as https://api.openai.com/v1")
		}
		if c.OpenAIModel == "" && (c.MetadataProvider == "openai" || c.DictionaryProvider == "openai") {
			bad("OPENAI_MODEL", "must name a model when %s is openai", strings.Join(openAI, "/"))
		}
	}
	if c.EmbeddingDims < 16 || c.EmbeddingDims > 4000 {
		bad("EMBEDDING_DIMS", "must be between 16 and 4000 (pgvector's HNSW limit for vector), got %d", c.EmbeddingDims)
	}
	if c.DictionaryQualityThreshold < 0 || c.DictionaryQualityThreshold > 1 {
		bad("DICTIONARY_QUALITY_THRESHOLD", "must be between 0 and 1, got %g", c.DictionaryQualityThreshold)
	}
	if u, err := url.Parse(c.IMSLPBaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("IMSLP_BASE_URL", "must be an http(s) URL, got %q", c.IMSLPBaseURL)
	}
	if c.IMSLPRate < 0 || c.IMSLPRate > 100 {
		bad("IMSLP_RATE", "must be between 0 (no limit) and 100 requests a second, got %v", c.IMSLPRate)
	}
	if c.IMSLPJobTimeout < time.Second {
		bad("IMSLP_JOB_TIMEOUT", "must be at least 1s, got %s", c.IMSLPJobTimeout)
	}
	if !slices.Contains([]string{"us", "eu", "ca"}, c.IMSLPJurisdiction) {
		bad("IMSLP_JURISDICTION", "must be us, eu or ca, got %q", c.IMSLPJurisdiction)
	}
	if c.DictionaryMaxRegenerations < 0 || c.DictionaryMaxRegenerations > 5 {
		bad("DICTIONARY_MAX_REGENERATIONS", "must be between 0 and 5, got %d", c.DictionaryMaxRegenerations)
	}
	switch c.BlobStore {
	case "fs":
		if c.BlobDir == "" {
			bad("BLOB_DIR", "must name a directory")
		}
	case "s3":
		if u, err := url.Parse(c.BlobS3Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("BLOB_S3_ENDPOINT", "must be the service's http(s) URL when BLOB_STORE is s3")
		}
		if c.BlobS3Bucket == "" {
			bad("BLOB_S3_BUCKET", "must name the bucket when BLOB_STORE is s3")
		}
	default:
		bad("BLOB_STORE", "%q is not one of fs, s3", c.BlobStore)
	}
	if c.MaxBodyBytes < 1024 {
		bad("HTTP_MAX_BODY_BYTES", "must be at least 1024, got %d", c.MaxBodyBytes)
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		bad("LOG_LEVEL", "%v", err)
	}
	switch c.LogFormat {
	case "", "json", "text":
	default:
		bad("LOG_FORMAT", "%q is not one of json, text", c.LogFormat)
	}
	if c.Env == EnvProduction && len(c.AuthSecret) < 32 {
		bad("AUTH_SECRET", "must be set to at least 32 characters in production")
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("PUBLIC_URL", "must be an http(s) URL such as https://mirubato.example")
		}
	} else if c.Env == EnvProduction {
		bad("PUBLIC_URL", "must be set in production (links in emails point there)")
	}
	if c.SMTPURL == "" && c.Env == EnvProduction {
		bad("SMTP_URL", "must be set in production (sign-in links are sent by email)")
	}
	if c.ProxyHeader != "" && len(c.TrustedProxies) == 0 {
		bad("TRUSTED_PROXIES", "must list the load balancers' addresses when PROXY_HEADER is set (else any client could choose its own address)")
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			bad("TRUSTED_PROXIES", "%q is not an IP address or CIDR range", p)
		}
	}
	if (c.OpsUsername == "") != (c.OpsPassword == "") {
		bad("OPS_USERNAME/OPS_PASSWORD", "set both or neither")
	}
	if c.OpsPassword != "" && len(c.OpsPassword) < 12 {
		bad("OPS_PASSWORD", "must be at least 12 characters")
	}
	known := queues.DefaultMaxWorkers()
	names := make([]string, 0, len(c.RiverMaxWorkers))
	for q := range c.RiverMaxWorkers {
		names = append(names, q)
	}
	sort.Strings(names)
	for _, q := range names {
		if _, ok := known[q]; !ok {
			bad("RIVER_MAX_WORKERS", "unknown queue %q (queues: %s)", q, strings.Join(queues.All(), ", "))
		} else if n := c.RiverMaxWorkers[q]; n < 1 || n > 10000 {
			bad("RIVER_MAX_WORKERS", "queue %q: %d is not between 1 and 10000", q, n)
		}
	}
	for _, q := range c.WorkerQueues {
		if _, ok := known[q]; !ok {
			bad("WORKER_QUEUES", "unknown queue %q (queues: %s)", q, strings.Join(queues.All(), ", "))
		}
	}
	if c.RiverFetchCooldown < time.Millisecond {
		bad("RIVER_FETCH_COOLDOWN", "must be at least 1ms, got %s", c.RiverFetchCooldown)
	}
	if c.RiverFetchPollInterval < c.RiverFetchCooldown {
		bad("RIVER_FETCH_POLL_INTERVAL", "must be at least RIVER_FETCH_COOLDOWN (%s), got %s", c.RiverFetchCooldown, c.RiverFetchPollInterval)
	}
	if !validWorkerID(c.WorkerID) {
		bad("WORKER_ID", "must be at most 100 letters, digits, dots, dashes and underscores, got %q", c.WorkerID)
	}
	if c.RiverJobTimeout <= 0 {
		bad("RIVER_JOB_TIMEOUT", "must be positive, got %s", c.RiverJobTimeout)
	}
	if c.RiverRescueStuckAfter <= c.RiverJobTimeout {
		bad("RIVER_RESCUE_STUCK_AFTER", "must be longer than RIVER_JOB_TIMEOUT (%s), got %s", c.RiverJobTimeout, c.RiverRescueStuckAfter)
	}
	if c.SyncRetentionDays < 1 || c.SyncRetentionDays > 3650 {
		bad("SYNC_RETENTION_DAYS", "must be between 1 and 3650 days, got %d", c.SyncRetentionDays)
	}
	if c.ShutdownTimeout <= 0 {
		bad("SHUTDOWN_TIMEOUT", "must be positive, got %s", c.ShutdownTimeout)
	}
	return errors.Join(errs...)
}

// ParseLevel turns debug, info, warn or error into a slog level.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("%q is not one of debug, info, warn, error", s)
	}
	return l, nil
}

// LogValue lists every setting with secrets masked, so the configuration can be logged at start.
func (c *Config) LogValue() slog.Value {
	v := reflect.ValueOf(*c)
	t := v.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		val := v.Field(i).Interface()
		switch {
		case f.Tag.Get("secret") == "true":
			if val != "" {
				val = "*****"
			}
		case name == "DATABASE_URL" || f.Tag.Get("secret") == "url":
			if s, _ := val.(string); s != "" {
				val = maskURL(s)
			}
		}
		attrs = append(attrs, slog.Any(name, val))
	}
	return slog.GroupValue(attrs...)
}

func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "*****"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// explain rewrites the env library's errors so that they name the variable, not the Go field.
func explain(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	t := reflect.TypeFor[Config]()
	var errs []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		var unset env.VarIsNotSetError
		switch {
		case errors.As(e, &pe):
			name := pe.Name
			if f, ok := t.FieldByName(pe.Name); ok {
				name, _, _ = strings.Cut(f.Tag.Get("env"), ",")
			}
			errs = append(errs, fmt.Errorf("%s: not a valid %s: %w", name, describe(pe.Type), unwrapAll(pe.Err)))
		case errors.As(e, &unset):
			errs = append(errs, fmt.Errorf("%s: required but not set", unset.Key))
		default:
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}

func describe(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return "duration (such as 500ms, 30s, 2m)"
	case t.Kind() == reflect.Map:
		return "list of name=number pairs (such as scores=4,default=50)"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "whole number"
	default:
		return t.String()
	}
}

func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// validWorkerID reports whether id is empty or a short name of letters, digits, '.', '-', '_'.
func validWorkerID(id string) bool {
	if len(id) > 100 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}
