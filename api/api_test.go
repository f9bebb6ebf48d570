package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/api"
	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/db"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/mail"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/internal/ocr"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/scores"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type testBundle struct {
	tokens  *auth.Tokens
	spec    *openapi3.T
	router  routers.Router
	mailbox *mail.Mailbox
	baseURL string
	pool    *pgxpool.Pool // straight to the database, for the test's own reads and writes
	dbURL   string
	proxy   *dbtest.Proxy // between the server and the database
	river   *river.Client[pgx.Tx]
	server  *api.Server
	blobs   blob.Store
	now     time.Time
	// strictFetch: its workers' URL imports may not reach loopback (setupOpts).
	strictFetch bool
	// ocr: how its workers read scanned pages (setupOpts).
	ocr *scores.OCR
	// stop ends the server as SIGTERM would and returns what Serve returned.
	stop func() error
}

type setupOpts struct {
	opsUser, opsPassword string
	maxBodyBytes         int
	mailer               api.Mailer   // nil: the dev mailbox
	google               *auth.Google // nil: Google sign-in disabled
	extraRoutes          func(*fiber.App)
	// database, when set, is shared with another bundle (two API processes, one database).
	database *testBundle
	// behindProxy: the server trusts X-Forwarded-For from loopback, as behind a load balancer.
	behindProxy bool
	// blobs: the blob store (nil: a new one in a temporary directory).
	blobs blob.Store
	// strictFetch: URL imports (downloaded by startWorkers' workers) may not reach loopback
	// (the production default).
	strictFetch bool
	// web: the browser client's files (nil: not built).
	web fs.FS
	// logs, when set, receives the server's log (JSON lines, info and up) instead of the test.
	logs *logBuffer
	// checkMaxBytes: uploads larger than this are read by the split step (0: all in the request).
	checkMaxBytes int64
	// ocr: how startWorkers' workers read scanned pages (nil: Tesseract, English).
	ocr *scores.OCR
}

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// testEmbedder is the tests' servers' embedder.
var testEmbedder = embed.NewLocal(128)

// scoreLimits are the PDF limits of the tests' servers.
var scoreLimits = pdf.Limits{MaxBytes: 2 << 20, MaxPages: 50, Timeout: 10 * time.Second}

func setup(t testing.TB, opts setupOpts) *testBundle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var directPool *pgxpool.Pool
	var dbURL string
	if opts.database != nil {
		directPool, dbURL = opts.database.pool, opts.database.dbURL
	} else {
		directPool, dbURL = dbtest.NewDatabase(t)
	}
	proxy := dbtest.NewProxy(t, dbURL)
	poolCfg, err := pgxpool.ParseConfig(proxy.URL(dbURL))
	require.NoError(t, err)
	// A database that is down refuses at once (the proxy's listener is closed); the bound is
	// for a loaded machine, where SCRAM authentication under -race has taken over a second.
	poolCfg.ConnConfig.ConnectTimeout = 10 * time.Second
	db.Configure(poolCfg)
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	require.NoError(t, err)

	if opts.maxBodyBytes == 0 {
		opts.maxBodyBytes = 4 << 20
	}
	cfg := &config.Config{
		Env: config.EnvDevelopment, Port: 1, MaxBodyBytes: opts.maxBodyBytes, ShutdownTimeout: 20 * time.Second,
		OpsUsername: opts.opsUser, OpsPassword: opts.opsPassword,
	}
	if opts.behindProxy {
		cfg.ProxyHeader, cfg.TrustedProxies = "X-Forwarded-For", []string{"127.0.0.1"}
	}
	logger := dbtest.Logger(t)
	if opts.logs != nil {
		logger = slog.New(slog.NewJSONHandler(opts.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger})
	require.NoError(t, err)
	m := metrics.New()
	require.NoError(t, m.RegisterQueueStats(pool, queues.All(), 0, logger))
	b := &testBundle{pool: directPool, dbURL: dbURL, proxy: proxy, river: client, now: time.Now(), strictFetch: opts.strictFetch, ocr: opts.ocr}
	if b.ocr == nil {
		b.ocr = &scores.OCR{Pages: ocr.Tesseract{Timeout: time.Minute}, FirstPage: ocr.Tesseract{Languages: []string{"eng", "fra", "deu"}, Timeout: time.Minute}}
	}
	tokens, err := auth.NewTokens(strings.Repeat("t", 32), func() time.Time { return b.now })
	require.NoError(t, err)
	b.tokens = tokens
	b.mailbox = mail.NewMailbox(logger)
	var mailer api.Mailer = b.mailbox
	if opts.mailer != nil {
		mailer = opts.mailer
	}
	blobs := opts.blobs
	if blobs == nil {
		blobs, err = blob.NewFS(t.TempDir())
		require.NoError(t, err)
	}
	b.blobs = blobs
	srv, err := api.New(ctx, api.Deps{Config: cfg, Logger: logger, Pool: pool, River: client, Metrics: m,
		Sessions: auth.NewSessions(pool, tokens), Mailer: mailer, Mailbox: b.mailbox, Google: opts.google,
		Now: func() time.Time { return b.now }, Blobs: blobs,
		Scores:   &scores.Intake{Pool: pool, Blobs: blobs, Logger: logger, Limits: scoreLimits, CheckMaxBytes: opts.checkMaxBytes},
		Embedder: testEmbedder, Web: opts.web,
	})
	require.NoError(t, err)
	if opts.extraRoutes != nil {
		opts.extraRoutes(srv.App())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	b.stop = func() error {
		once.Do(func() {
			cancel()
			serveErr = <-done
		})
		return serveErr
	}
	t.Cleanup(func() {
		require.NoError(t, b.stop())
		pool.Close()
	})
	b.baseURL, b.server = "http://"+ln.Addr().String(), srv

	// Every response of every test is checked against the served OpenAPI document.
	resp, data := b.do(t, http.MethodGet, "/api/openapi.json", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b.spec, err = openapi3.NewLoader().LoadFromData(data)
	require.NoError(t, err)
	require.NoError(t, b.spec.Validate(ctx), "the OpenAPI document is valid")
	b.spec.Servers = openapi3.Servers{{URL: b.baseURL}}
	b.router, err = legacyrouter.NewRouter(b.spec)
	require.NoError(t, err)
	return b
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

func (b *testBundle) do(t testing.TB, method, path string, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.baseURL+path, body)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	b.conforms(t, req, resp, data)
	return resp, data
}

// conforms checks a response against the OpenAPI document: a documented route and status,
// and a body that matches its schema. Routes the document leaves out (River UI, unknown
// paths) are only checked for the error shape when they fail.
func (b *testBundle) conforms(t testing.TB, req *http.Request, resp *http.Response, data []byte) {
	t.Helper()
	if b.router == nil {
		return
	}
	route, params, err := b.router.FindRoute(req)
	if err != nil {
		if resp.StatusCode >= 400 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			var eb errorBody
			require.NoError(t, json.Unmarshal(data, &eb))
			require.NotEmpty(t, eb.Error.Code, "undocumented routes still fail in the one error shape")
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(data)), Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
	require.NoError(t, err, "%s %s → %d does not match the OpenAPI document: %s", req.Method, req.URL.Path, resp.StatusCode, data)
}

// user creates an account and returns it with a valid access token.
func (b *testBundle) user(t testing.TB, email string) (*store.User, string) {
	t.Helper()
	u, err := store.EnsureUser(context.Background(), b.pool, email)
	require.NoError(t, err)
	tok, err := b.tokens.Issue(u.ID, auth.AccessTokenTTL)
	require.NoError(t, err)
	return u, tok
}

// call sends body (nil, a string, or a value marshalled as JSON) with token (may be "").
func (b *testBundle) call(t *testing.T, method, path, token string, body any, header http.Header) (*http.Response, []byte) {
	t.Helper()
	h := http.Header{}
	for k, v := range header {
		h[k] = v
	}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
		h.Set("Content-Type", "application/json")
	default:
		data, err := json.Marshal(v)
		require.NoError(t, err)
		r = bytes.NewReader(data)
		h.Set("Content-Type", "application/json")
	}
	return b.do(t, method, path, r, h)
}

// decodeAs unmarshals data into a T.
func decodeAs[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(data, &v), string(data))
	return v
}

func requireError(t *testing.T, resp *http.Response, data []byte, status int, code string) errorBody {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, string(data))
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var eb errorBody
	require.NoError(t, json.Unmarshal(data, &eb), string(data))
	require.Equal(t, code, eb.Error.Code)
	require.NotEmpty(t, eb.Error.Message)
	return eb
}

func TestErrorShape(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{maxBodyBytes: 1024, extraRoutes: func(app *fiber.App) {
		app.Get("/api/test/panic", func(*fiber.Ctx) error { panic("kaboom") })
	}})

	t.Run("NotFound", func(t *testing.T) {
		// (A GET of another unknown path is one of the web client's routes: TestWebClient.)
		resp, data := b.do(t, http.MethodGet, "/api/no/such/thing", nil, nil)
		eb := requireError(t, resp, data, http.StatusNotFound, "not_found")
		require.Equal(t, "no route for GET /api/no/such/thing", eb.Error.Message)
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		resp, data := b.do(t, http.MethodDelete, "/health", nil, nil)
		requireError(t, resp, data, http.StatusMethodNotAllowed, "method_not_allowed")
	})
	t.Run("PayloadTooLarge", func(t *testing.T) {
		resp, data := b.do(t, http.MethodPost, "/health", bytes.NewReader(make([]byte, 4096)), nil)
		requireError(t, resp, data, http.StatusRequestEntityTooLarge, "payload_too_large")
	})
	t.Run("PanicIsA500", func(t *testing.T) {
		resp, data := b.do(t, http.MethodGet, "/api/test/panic", nil, nil)
		eb := requireError(t, resp, data, http.StatusInternalServerError, "internal")
		require.NotContains(t, eb.Error.Message, "kaboom", "internal details stay in the log")
	})
	t.Run("RequestID", func(t *testing.T) {
		resp, _ := b.do(t, http.MethodGet, "/livez", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	})
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})

	resp, _ := b.do(t, http.MethodGet, "/readyz", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	_, tok := b.user(t, "outage@example.com")
	b.proxy.Down()
	// The probe's failure has the shape of its success.
	resp, data := b.do(t, http.MethodGet, "/readyz", nil, nil)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.JSONEq(t, `{"status":"down","message":"the database is unreachable"}`, string(data))
	// Every request that needs the database is a 503 to retry, not a 500.
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/api/logbook/entries", nil},
		{http.MethodPost, "/api/logbook/entries", map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 5, "type": "practice"}},
		{http.MethodGet, "/api/user/me", nil},
		{http.MethodPost, "/api/auth/magic-link", map[string]any{"email": "x@example.com"}},
	} {
		resp, data = b.call(t, r.method, r.path, tok, r.body, nil)
		requireError(t, resp, data, http.StatusServiceUnavailable, "unavailable")
		require.NotEmpty(t, resp.Header.Get("Retry-After"), r.path)
	}
	resp, data = b.do(t, http.MethodGet, "/health", nil, nil)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Contains(t, string(data), `"status":"down"`)
	// Liveness does not depend on the database: restarting the process would not help.
	resp, _ = b.do(t, http.MethodGet, "/livez", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	b.proxy.Up()
	require.Eventually(t, func() bool {
		resp, _ := b.do(t, http.MethodGet, "/readyz", nil, nil)
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond)
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	ctx := context.Background()

	type health struct {
		Status     string `json:"status"`
		Components map[string]struct {
			Status  string `json:"status"`
			Message string `json:"message"`
		} `json:"components"`
	}
	get := func() health {
		resp, data := b.do(t, http.MethodGet, "/health", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		var h health
		require.NoError(t, json.Unmarshal(data, &h))
		return h
	}

	// No worker has ever run: degraded, but the API itself is fine.
	h := get()
	require.Equal(t, "degraded", h.Status)
	require.Equal(t, "ok", h.Components["database"].Status)
	require.Equal(t, "ok", h.Components["migrations"].Status)
	require.Equal(t, "degraded", h.Components["river"].Status)

	require.NoError(t, store.RecordHeartbeat(ctx, b.pool, queues.Default, "worker-1"))
	h = get()
	require.Equal(t, "ok", h.Status)
	require.Equal(t, "ok", h.Components["river"].Status)

	// Workers gone for ten minutes: degraded again, with a message that says so.
	b.now = b.now.Add(10 * time.Minute)
	h = get()
	require.Equal(t, "degraded", h.Components["river"].Status)
	require.Contains(t, h.Components["river"].Message, "are the workers running?")
}

type parkedArgs struct{}

func (parkedArgs) Kind() string { return "test_parked" }

func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	ctx := context.Background()

	_, err := b.river.Insert(ctx, parkedArgs{}, &river.InsertOpts{Queue: queues.Scores})
	require.NoError(t, err)
	_, err = b.river.Insert(ctx, parkedArgs{}, &river.InsertOpts{Queue: queues.Scores, ScheduledAt: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	b.do(t, http.MethodGet, "/livez", nil, nil)
	b.do(t, http.MethodGet, "/api/nope/1", nil, nil)
	b.do(t, http.MethodGet, "/api/nope/2", nil, nil)

	resp, data := b.do(t, http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	text := string(data)
	for _, want := range []string{
		`mirubato_http_requests_total{method="GET",route="/livez",status="200"} 1`,
		`mirubato_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`mirubato_http_request_duration_seconds_bucket{method="GET",route="/livez",le="+Inf"} 1`,
		`mirubato_river_queue_depth{queue="scores"} 1`,
		`mirubato_river_queue_depth{queue="default"} 0`,
		`mirubato_river_jobs{queue="scores",state="available"} 1`,
		`mirubato_river_jobs{queue="scores",state="scheduled"} 1`,
		`mirubato_river_stats_up 1`,
		`go_goroutines`,
	} {
		require.Contains(t, text, want)
	}
	require.Regexp(t, `mirubato_river_queue_oldest_available_age_seconds\{queue="scores"\} [0-9.e-]+\n`, text)
	require.NotContains(t, text, `mirubato_river_queue_oldest_available_age_seconds{queue="scores"} 0\n`)
}

func TestOps(t *testing.T) {
	t.Parallel()

	t.Run("ClosedWithoutConfiguredCredentials", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{})
		resp, data := b.do(t, http.MethodGet, "/ops/river/", nil, http.Header{"Authorization": {basic("admin", "")}})
		eb := requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
		require.Contains(t, eb.Error.Message, "OPS_USERNAME")
	})

	t.Run("RiverUIBehindCredentials", func(t *testing.T) {
		t.Parallel()
		b := setup(t, setupOpts{opsUser: "operator", opsPassword: "correct horse battery"})
		for name, header := range map[string]http.Header{
			"None":         nil,
			"WrongPass":    {"Authorization": {basic("operator", "wrong horse battery")}},
			"WrongUser":    {"Authorization": {basic("admin", "correct horse battery")}},
			"NotBasic":     {"Authorization": {"Bearer abc"}},
			"BadEncoding":  {"Authorization": {"Basic %%%"}},
			"NoSeparator":  {"Authorization": {"Basic b3BlcmF0b3I="}},
			"EmptyBoth":    {"Authorization": {basic("", "")}},
			"ApiWithNone":  nil,
			"OtherOpsPath": nil,
		} {
			path := "/ops/river/"
			switch name {
			case "ApiWithNone":
				path = "/ops/river/api/queues"
			case "OtherOpsPath":
				path = "/ops/anything"
			}
			resp, data := b.do(t, http.MethodGet, path, nil, header)
			requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
			require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Basic", name)
		}

		good := http.Header{"Authorization": {basic("operator", "correct horse battery")}}
		resp, data := b.do(t, http.MethodGet, "/ops/river/", nil, good)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		require.Contains(t, string(data), "/ops/river", "River UI is told its mount path")

		_, err := b.river.Insert(context.Background(), parkedArgs{}, &river.InsertOpts{Queue: queues.Analytics})
		require.NoError(t, err)
		resp, data = b.do(t, http.MethodGet, "/ops/river/api/jobs?state=available", nil, good)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Contains(t, string(data), `"test_parked"`)
	})
}

func basic(user, pass string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", http.NoBody)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

// TestShutdownDoesNotWaitForQuietConnections: connections opened ahead of need (by clients
// and load balancers) and idle keep-alive connections must not hold a deploy for the whole
// shutdown timeout; a request in flight still completes.
func TestShutdownDoesNotWaitForQuietConnections(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	addr := strings.TrimPrefix(b.baseURL, "http://")
	var d net.Dialer
	quiet, err := d.DialContext(context.Background(), "tcp", addr) // never sends a byte
	require.NoError(t, err)
	defer quiet.Close()
	idle, err := d.DialContext(context.Background(), "tcp", addr) // one request, then idle
	require.NoError(t, err)
	defer idle.Close()
	_, err = idle.Write([]byte("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	buf := make([]byte, 512)
	n, err := idle.Read(buf)
	require.NoError(t, err)
	require.Contains(t, string(buf[:n]), "200 OK")
	time.Sleep(1100 * time.Millisecond) // older than the grace a quiet connection gets

	start := time.Now()
	require.NoError(t, b.stop())
	require.Less(t, time.Since(start), 10*time.Second, "shutdown waited for connections that had nothing to do")
	_, err = quiet.Read(buf)
	require.Error(t, err, "the quiet connection was closed")
}

func TestRouteLabelsStayBounded(t *testing.T) {
	t.Parallel()
	// Many distinct unknown URLs must not create many metric series.
	b := setup(t, setupOpts{})
	for i := range 20 {
		b.do(t, http.MethodGet, "/x/"+strings.Repeat("a", i), nil, nil)
	}
	_, data := b.do(t, http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, 1, strings.Count(string(data), `mirubato_http_requests_total{method="GET",route="unmatched"`))
}
