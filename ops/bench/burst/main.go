// Command burst measures a burst of writes by one user: 1,000 concurrent POSTs of logbook
// entries, all counted on the user's one rate-limit row, against the same burst spread over
// 1,000 users (a row each: no contention) as the baseline, on one `mirubato api` process in
// one run. Printed: latency percentiles of each, the answers (201 written, 429 refused), and
// the ratio of the p99s. The last line printed is one JSON object.
//
// Usage: make build && DATABASE_URL=… go run ./ops/bench/burst [-n 1000] (or make bench-burst).
package main

import (
	"bytes"
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

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/ops/bench/benchproc"
)

type burst struct {
	P50MS    float64     `json:"p50_ms"`
	P99MS    float64     `json:"p99_ms"`
	MaxMS    float64     `json:"max_ms"`
	Statuses map[int]int `json:"statuses"`
}

type result struct {
	Requests int     `json:"requests"`
	OneUser  burst   `json:"one_user"`
	Spread   burst   `json:"spread_over_users"`
	RatioP99 float64 `json:"ratio_p99"`
}

func main() {
	n := flag.Int("n", 1000, "concurrent requests in the burst")
	bin := flag.String("bin", "bin/mirubato", "the mirubato binary to measure (make build)")
	flag.Parse()
	if err := run(context.Background(), *bin, *n); err != nil {
		fmt.Fprintln(os.Stderr, "bench/burst:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin string, n int) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	const secret = "bench-secret-bench-secret-bench-secret"
	pool, dbURL, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_burst", logging.New(os.Stderr, cfg))
	if err != nil {
		return err
	}
	defer cleanup()
	tokens, err := auth.NewTokens(secret, nil)
	if err != nil {
		return err
	}
	toks := make([]string, n)
	for i := range toks {
		u, err := store.EnsureUser(ctx, pool, fmt.Sprintf("burst%d@example.com", i))
		if err != nil {
			return err
		}
		if toks[i], err = tokens.Issue(u.ID, time.Hour); err != nil {
			return err
		}
	}
	url, stop, err := benchproc.Start(ctx, exec.CommandContext(ctx, bin, "api"), "DATABASE_URL="+dbURL,
		"MIRUBATO_ENV=development", "AUTH_SECRET="+secret, "LOG_LEVEL=error")
	if err != nil {
		return fmt.Errorf("error starting %s (make build first): %w", bin, err)
	}
	defer stop()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}, Timeout: 60 * time.Second}
	body, _ := json.Marshal(map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10, "type": "practice"})
	fire := func(tokenOf func(i int) string) (burst, error) {
		lat := make([]time.Duration, n)
		statuses := make([]int, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/api/logbook/entries", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tokenOf(i))
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs[i] = err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				lat[i], statuses[i] = time.Since(start), resp.StatusCode
			}()
		}
		close(gate)
		wg.Wait()
		out := burst{Statuses: map[int]int{}}
		for i := range n {
			if errs[i] != nil {
				return out, errs[i]
			}
			out.Statuses[statuses[i]]++
		}
		slices.Sort(lat)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		out.P50MS, out.P99MS, out.MaxMS = ms(lat[n/2]), ms(lat[n*99/100]), ms(lat[n-1])
		return out, nil
	}
	// A warm-up burst, then the two, spread first (it leaves every user one write).
	if _, err := fire(func(i int) string { return toks[i] }); err != nil {
		return err
	}
	res := result{Requests: n}
	if res.Spread, err = fire(func(i int) string { return toks[i] }); err != nil {
		return err
	}
	if res.OneUser, err = fire(func(int) string { return toks[0] }); err != nil {
		return err
	}
	res.RatioP99 = res.OneUser.P99MS / res.Spread.P99MS
	fmt.Printf("%d concurrent POST /api/logbook/entries\n", n)
	fmt.Printf("  one user:          p50 %.1f ms  p99 %.1f ms  max %.1f ms  answers %v\n", res.OneUser.P50MS, res.OneUser.P99MS, res.OneUser.MaxMS, res.OneUser.Statuses)
	fmt.Printf("  spread over users: p50 %.1f ms  p99 %.1f ms  max %.1f ms  answers %v\n", res.Spread.P50MS, res.Spread.P99MS, res.Spread.MaxMS, res.Spread.Statuses)
	fmt.Printf("  p99 ratio (one user / spread): %.2f\n", res.RatioP99)
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	return nil
}
