// Command api measures the latency of GET /api/logbook/entries?limit=50 (authenticated, for a
// user with 10,000 entries) at a fixed request rate on loopback, against a bare Fiber
// handler that returns the same JSON from memory, in one run.
//
// The load is open-loop: request i is due at start + i/rate and its latency is measured
// from that moment, so a slow server cannot hide its queueing (no coordinated omission).
// The last line printed is one JSON object:
//
//	{"rps":…, "p50_ms":…, "p99_ms":…, "baseline_p99_ms":…, "ratio_p99":…}
//
// Usage: make build && DATABASE_URL=… go run ./ops/bench/api [-rate 1000] [-seconds 10] [-entries 10000]
// (or make bench-api). For diagnosis: BENCH_SLOW_MS=8 also prints when each request slower
// than 8 ms was due (alone, or in bursts: pauses); BENCH_PATH=/livez loads another path of
// ours (the baseline serves only the list, so there is no ratio then).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/ops/bench/benchproc"
)

var path = envOr("BENCH_PATH", "/api/logbook/entries?limit=50")

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

type result struct {
	RPS           float64 `json:"rps"`
	P50MS         float64 `json:"p50_ms"`
	P99MS         float64 `json:"p99_ms"`
	BaselineP50MS float64 `json:"baseline_p50_ms"`
	BaselineP99MS float64 `json:"baseline_p99_ms"`
	RatioP99      float64 `json:"ratio_p99"`
	Requests      int     `json:"requests"`
	Errors        int     `json:"errors"`
	Entries       int     `json:"entries"`
}

func main() {
	rate := flag.Int("rate", 1000, "requests per second")
	seconds := flag.Int("seconds", 10, "seconds of load per server")
	entries := flag.Int("entries", 10000, "logbook entries of the user")
	bin := flag.String("bin", "bin/mirubato", "the mirubato binary to measure (make build)")
	baselineBody := flag.String("serve-baseline", "", "internal: serve this file as the baseline until stdin closes")
	flag.Parse()
	if *baselineBody != "" {
		if err := serveBaseline(*baselineBody); err != nil {
			fmt.Fprintln(os.Stderr, "bench/api baseline:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), *bin, *rate, *seconds, *entries); err != nil {
		fmt.Fprintln(os.Stderr, "bench/api:", err)
		os.Exit(1)
	}
}

// run measures both servers. Each runs as a process of its own, apart from the load
// generator (this process), as in production: ours is the real `mirubato api`, the baseline
// a bare Fiber handler answering from memory, started by re-running this program.
func run(ctx context.Context, bin string, rate, seconds, entries int) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	const secret = "bench-secret-bench-secret-bench-secret"
	logger := logging.New(os.Stderr, cfg)
	pool, dbURL, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_api", logger)
	if err != nil {
		return err
	}
	defer cleanup()

	user, err := store.EnsureUser(ctx, pool, "bench@example.com")
	if err != nil {
		return err
	}
	if err := seed(ctx, pool, user.ID.String(), entries); err != nil {
		return err
	}
	tokens, err := auth.NewTokens(secret, nil)
	if err != nil {
		return err
	}
	token, err := tokens.Issue(user.ID, time.Hour)
	if err != nil {
		return err
	}

	oursURL, stopOurs, err := benchproc.Start(ctx, exec.CommandContext(ctx, bin, "api"), "DATABASE_URL="+dbURL,
		"MIRUBATO_ENV=development", "AUTH_SECRET="+secret, "LOG_LEVEL=warn")
	if err != nil {
		return fmt.Errorf("error starting %s (make build first): %w", bin, err)
	}
	defer stopOurs()

	// The baseline answers with exactly the bytes our server sends for this page.
	body, err := fetch(oursURL+path, token)
	if err != nil {
		return err
	}
	bodyFile, err := os.CreateTemp("", "bench-api-body-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(bodyFile.Name())
	if _, err := bodyFile.Write(body); err != nil {
		return err
	}
	_ = bodyFile.Close()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareURL, stopBare, err := benchproc.Start(ctx, exec.CommandContext(ctx, self, "-serve-baseline", bodyFile.Name()))
	if err != nil {
		return err
	}
	defer stopBare()

	fmt.Fprintf(os.Stderr, "page: %d bytes; load: %d req/s for %d s per server\n", len(body), rate, seconds)
	warm := func(u string) { _, _ = load(u+path, token, rate, 2) }
	warm(bareURL)
	baseRun, _ := load(bareURL+path, token, rate, seconds)
	warm(oursURL)
	oursRun, errs := load(oursURL+path, token, rate, seconds)

	if os.Getenv("BENCH_SLOW_MS") != "" { // diagnosis: when the slow requests were due
		var limit float64
		_, _ = fmt.Sscan(os.Getenv("BENCH_SLOW_MS"), &limit)
		for i, l := range oursRun.lat {
			if l > limit {
				fmt.Fprintf(os.Stderr, "slow: due at %.3f s, %.1f ms\n", oursRun.at[i], l)
			}
		}
	}
	res := result{
		RPS:           round(float64(len(oursRun.lat)) / oursRun.elapsed.Seconds()),
		P50MS:         round(pct(oursRun.lat, 50)),
		P99MS:         round(pct(oursRun.lat, 99)),
		BaselineP50MS: round(pct(baseRun.lat, 50)),
		BaselineP99MS: round(pct(baseRun.lat, 99)),
		Requests:      len(oursRun.lat),
		Errors:        errs,
		Entries:       entries,
	}
	if res.BaselineP99MS > 0 { // BENCH_PATH other than the list: the baseline does not serve it
		res.RatioP99 = round(res.P99MS / res.BaselineP99MS)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// serveBaseline serves the body from memory on $PORT until its stdin closes.
func serveBaseline(bodyPath string) error {
	body, err := os.ReadFile(bodyPath)
	if err != nil {
		return err
	}
	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/readyz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	bare.Get("/api/logbook/entries", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		_ = bare.Shutdown()
	}()
	return bare.Listen("127.0.0.1:" + os.Getenv("PORT"))
}

// seed writes n entries spread over the last years in one statement.
func seed(ctx context.Context, pool *pgxpool.Pool, userID string, n int) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO logbook_entries (user_id, practiced_at, duration_minutes, type, instrument, pieces, tags, notes)
		SELECT $1, now() - make_interval(hours => i * 3), 10 + i % 80,
			(ARRAY['practice','lesson','performance','technique'])[1 + i % 4], 'piano',
			jsonb_build_array(jsonb_build_object('title', 'Etude ' || i % 27, 'composer', 'Chopin', 'minutes', 10)),
			ARRAY['scales', 'week' || i % 52], 'worked on voicing and pedalling, bars ' || i % 90
		FROM generate_series(1, $2) AS i`, userID, n)
	if err != nil {
		return fmt.Errorf("error seeding: %w", err)
	}
	_, err = pool.Exec(ctx, `VACUUM ANALYZE logbook_entries`)
	return err
}

func newClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}}
}

func fetch(u, token string) ([]byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, http.NoBody)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := newClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b, nil
}

type run1 struct {
	lat     []float64 // milliseconds, from when each request was due
	at      []float64 // seconds into the run each request was due (same order as lat)
	elapsed time.Duration
}

// load sends rate requests a second for seconds, open-loop, and returns their latencies.
func load(u, token string, rate, seconds int) (run1, int) {
	client := newClient()
	n := rate * seconds
	interval := time.Second / time.Duration(rate)
	lat := make([]float64, 0, n)
	at := make([]float64, 0, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := 0
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, http.NoBody)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			d := float64(time.Since(due).Microseconds()) / 1000
			mu.Lock()
			if ok {
				lat = append(lat, d)
				at = append(at, due.Sub(start).Seconds())
			} else {
				errs++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return run1{lat: lat, at: at, elapsed: time.Since(start)}, errs
}

func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func round(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }
