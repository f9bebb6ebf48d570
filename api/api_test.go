package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/api"
	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/mail"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type testBundle struct {
	baseURL string
	pool    *pgxpool.Pool // straight to the database, for the test's own reads and writes
	proxy   *dbtest.Proxy // between the server and the database
	river   *river.Client[pgx.Tx]
	server  *api.Server
	now     time.Time
}

type setupOpts struct {
	opsUser, opsPassword string
	maxBodyBytes         int
}

func setup(t *testing.T, opts setupOpts) *testBundle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	directPool, dbURL := dbtest.NewDatabase(t)
	proxy := dbtest.NewProxy(t, dbURL)
	poolCfg, err := pgxpool.ParseConfig(proxy.URL(dbURL))
	require.NoError(t, err)
	poolCfg.ConnConfig.ConnectTimeout = time.Second
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	require.NoError(t, err)

	if opts.maxBodyBytes == 0 {
		opts.maxBodyBytes = 4 << 20
	}
	cfg := &config.Config{
		Env: config.EnvDevelopment, Port: 1, MaxBodyBytes: opts.maxBodyBytes, ShutdownTimeout: 5 * time.Second,
		OpsUsername: opts.opsUser, OpsPassword: opts.opsPassword,
	}
	logger := dbtest.Logger(t)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger})
	require.NoError(t, err)
	m := metrics.New()
	require.NoError(t, m.RegisterQueueStats(pool, queues.All(), 0, logger))
	b := &testBundle{pool: directPool, proxy: proxy, river: client, now: time.Now()}
	tokens, err := auth.NewTokens(strings.Repeat("t", 32), func() time.Time { return b.now })
	require.NoError(t, err)
	mailbox := mail.NewMailbox(logger)
	srv, err := api.New(ctx, api.Deps{Config: cfg, Logger: logger, Pool: pool, River: client, Metrics: m,
		Sessions: auth.NewSessions(pool, tokens), Mailer: mailbox, Mailbox: mailbox,
		Now: func() time.Time { return b.now }})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
		pool.Close()
	})
	b.baseURL, b.server = "http://"+ln.Addr().String(), srv
	return b
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (b *testBundle) do(t *testing.T, method, path string, body io.Reader, header http.Header) (*http.Response, []byte) {
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
	return resp, data
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
	b := setup(t, setupOpts{maxBodyBytes: 1024})
	b.server.App().Get("/test/panic", func(*fiber.Ctx) error { panic("kaboom") })

	t.Run("NotFound", func(t *testing.T) {
		resp, data := b.do(t, http.MethodGet, "/no/such/thing", nil, nil)
		eb := requireError(t, resp, data, http.StatusNotFound, "not_found")
		require.Equal(t, "no route for GET /no/such/thing", eb.Error.Message)
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
		resp, data := b.do(t, http.MethodGet, "/test/panic", nil, nil)
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

	b.proxy.Down()
	resp, data := b.do(t, http.MethodGet, "/readyz", nil, nil)
	requireError(t, resp, data, http.StatusServiceUnavailable, "unavailable")
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
	b.do(t, http.MethodGet, "/nope/1", nil, nil)
	b.do(t, http.MethodGet, "/nope/2", nil, nil)

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
