// Command imslp measures the IMSLP import against the fake IMSLP (loopback):
//
//  1. a batch of -works works (default 10,000) with the rate limit off, on one `mirubato
//     worker` process working only the imslp queue: works imported per second, and the
//     worker's peak RSS;
//  2. the floor, in the same run: the same client reading the same pages and downloading
//     the same files directly, as many at once as the worker runs imports, no River and no
//     database; the import's ratio to it;
//  3. a short batch with the limit at -rate (default 5 requests/s) on 3 worker processes:
//     the most requests the site saw within any second.
//
// The last line printed is one JSON object:
//
//	{"works":10000, "works_per_s":…, "peak_rss_mb":…, "limited_max_observed_rps":…, …}
//
// Usage: make build && DATABASE_URL=… go run ./ops/bench/imslp [-works 10000] [-rate 5]
// (or make bench-imslp).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	imslpclient "github.com/mirubato/mirubato/internal/imslp"
	"github.com/mirubato/mirubato/internal/imslp/imslptest"
	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/workers"
)

type result struct {
	Works                 int     `json:"works"`
	WorksPerS             float64 `json:"works_per_s"`
	PeakRSSMB             float64 `json:"peak_rss_mb"`
	LimitedMaxObservedRPS int     `json:"limited_max_observed_rps"`
	Limit                 float64 `json:"limit_rps"`
	LimitedWorks          int     `json:"limited_works"`
	LimitedWorksPerS      float64 `json:"limited_works_per_s"`
	DirectWorksPerS       float64 `json:"direct_works_per_s"`
	Ratio                 float64 `json:"ratio_to_direct"`
	Concurrency           int     `json:"concurrency"`
	CreateBatchMS         float64 `json:"create_batch_ms"`
}

func main() {
	works := flag.Int("works", 10000, "works in the unlimited batch")
	rate := flag.Float64("rate", 5, "the shared limit of the limited run, requests a second")
	limitedWorks := flag.Int("limited-works", 25, "works in the limited batch (3 requests each)")
	bin := flag.String("bin", "bin/mirubato", "the mirubato binary (make build)")
	flag.Parse()
	if err := run(context.Background(), *bin, *works, *limitedWorks, *rate); err != nil {
		fmt.Fprintln(os.Stderr, "bench/imslp:", err)
		os.Exit(1)
	}
}

// fakeWorks publishes n one-page public-domain works, page ids from 1.
func fakeWorks(fake *imslptest.Server, n int) []string {
	refs := make([]string, n)
	ws := make([]*imslptest.Work, n)
	for i := range ws {
		id := int64(i + 1)
		ws[i] = &imslptest.Work{PageID: id, WorkTitle: "Study No." + strconv.Itoa(i+1), Composer: "Bench, Composer",
			Instrumentation: "Piano", Files: []imslptest.File{{Index: id, Name: "study.pdf", Description: "Complete Score",
				Pages: 1, Copyright: "Public Domain"}}}
		refs[i] = strconv.FormatInt(id, 10)
	}
	fake.Add(ws...)
	return refs
}

func run(ctx context.Context, bin string, n, limitedN int, rate float64) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	logger := logging.New(os.Stderr, cfg)
	pool, dbURL, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_imslp", logger)
	if err != nil {
		return err
	}
	defer cleanup()
	blobDir, err := os.MkdirTemp("", "mirubato-bench-imslp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(blobDir)
	client, err := workers.NewInsertOnly(pool, logger, time.Millisecond)
	if err != nil {
		return err
	}
	concurrency := queues.DefaultMaxWorkers()[queues.IMSLP]
	res := result{Works: n, Limit: rate, LimitedWorks: limitedN, Concurrency: concurrency}
	env := []string{"MIRUBATO_ENV=development", "DATABASE_URL=" + dbURL, "BLOB_DIR=" + blobDir, "LOG_LEVEL=warn",
		"AUTH_SECRET=bench-secret-bench-secret-bench-secret",
		"WORKER_QUEUES=" + queues.IMSLP, "RIVER_FETCH_POLL_INTERVAL=100ms"}

	// 1. The unlimited batch on one worker process.
	fake, err := imslptest.New()
	if err != nil {
		return err
	}
	defer fake.Close()
	refs := fakeWorks(fake, n)
	owner, err := store.EnsureUser(ctx, pool, "bench-imslp@example.com")
	if err != nil {
		return err
	}
	w, err := startWorker(ctx, bin, append(env, "IMSLP_BASE_URL="+fake.URL, "IMSLP_RATE=0"))
	if err != nil {
		return err
	}
	if err := ready(ctx, pool); err != nil {
		return err
	}
	start := time.Now()
	id, err := imslp.CreateBatch(ctx, pool, client, owner.ID, imslp.Request{Works: refs})
	if err != nil {
		return err
	}
	res.CreateBatchMS = float64(time.Since(start).Microseconds()) / 1000
	fmt.Fprintf(os.Stderr, "batch of %d works created in %.0f ms\n", n, res.CreateBatchMS)
	b, err := wait(ctx, pool, id)
	elapsed := time.Since(start)
	rss, stopErr := stopWorker(w)
	if err != nil {
		return err
	}
	if stopErr != nil {
		return stopErr
	}
	if b.Counts.Imported != n {
		return fmt.Errorf("the batch imported %d of %d works: %+v", b.Counts.Imported, n, b.Counts)
	}
	res.WorksPerS = float64(n) / elapsed.Seconds()
	res.PeakRSSMB = float64(rss) / 1024
	fmt.Fprintf(os.Stderr, "imported %d works in %s: %.1f works/s, worker peak RSS %.0f MB\n", n, elapsed.Round(time.Millisecond),
		res.WorksPerS, res.PeakRSSMB)

	// 2. The floor: the client alone, as many at once.
	res.DirectWorksPerS, err = direct(ctx, fake.URL, refs, concurrency, cfg.ScoreMaxBytes)
	if err != nil {
		return err
	}
	res.Ratio = res.WorksPerS / res.DirectWorksPerS
	fmt.Fprintf(os.Stderr, "direct: %.1f works/s; the import runs at %.2f× that\n", res.DirectWorksPerS, res.Ratio)

	// 3. The limited batch on three worker processes sharing the limit.
	limited, err := imslptest.New()
	if err != nil {
		return err
	}
	defer limited.Close()
	limitedRefs := fakeWorks(limited, limitedN)
	other, err := store.EnsureUser(ctx, pool, "bench-imslp-limited@example.com")
	if err != nil {
		return err
	}
	var procs []*exec.Cmd
	for range 3 {
		p, err := startWorker(ctx, bin, append(env, "IMSLP_BASE_URL="+limited.URL, fmt.Sprintf("IMSLP_RATE=%g", rate)))
		if err != nil {
			return err
		}
		procs = append(procs, p)
	}
	time.Sleep(3 * time.Second) // the three have started (the queue's row exists already)
	start = time.Now()
	id, err = imslp.CreateBatch(ctx, pool, client, other.ID, imslp.Request{Works: limitedRefs})
	if err != nil {
		return err
	}
	b, err = wait(ctx, pool, id)
	elapsed = time.Since(start)
	for _, p := range procs {
		if _, stopErr := stopWorker(p); stopErr != nil && err == nil {
			err = stopErr
		}
	}
	if err != nil {
		return err
	}
	if b.Counts.Imported != limitedN {
		return fmt.Errorf("the limited batch imported %d of %d works: %+v", b.Counts.Imported, limitedN, b.Counts)
	}
	res.LimitedWorksPerS = float64(limitedN) / elapsed.Seconds()
	// Requests within any 980 ms window: a second less the scheduling jitter of the
	// requests' arrival (see imslptest.MaxWithin).
	res.LimitedMaxObservedRPS = limited.MaxWithin(980 * time.Millisecond)
	fmt.Fprintf(os.Stderr, "limited to %g/s on 3 workers: %d requests, at most %d within a second; %.2f works/s\n",
		rate, len(limited.Requests()), res.LimitedMaxObservedRPS, res.LimitedWorksPerS)

	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

func startWorker(ctx context.Context, bin string, env []string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, bin, "worker")
	cmd.Env, cmd.Stderr = append(os.Environ(), env...), os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("error starting %s worker: %w", bin, err)
	}
	return cmd, nil
}

// stopWorker stops a worker and returns its peak resident set, in KiB.
func stopWorker(cmd *exec.Cmd) (int64, error) {
	_ = cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	if err != nil {
		return rss, fmt.Errorf("the worker: %w", err)
	}
	return rss, nil
}

// ready waits until a worker process works the imslp queue (River records the queue when
// its first producer starts), so that start-up is not timed.
func ready(ctx context.Context, pool *pgxpool.Pool) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_queue WHERE name = $1`, queues.IMSLP).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return errors.New("the worker did not start working the imslp queue within 30 s")
}

// wait polls the batch until it ends (at most an hour).
func wait(ctx context.Context, pool *pgxpool.Pool, id uuid.UUID) (*imslp.Batch, error) {
	deadline := time.Now().Add(time.Hour)
	last := time.Now()
	for time.Now().Before(deadline) {
		b, err := imslp.Status(ctx, pool, imslp.Anyone(), id)
		if err != nil {
			return nil, err
		}
		if b.Ended() {
			return b, nil
		}
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(os.Stderr, "  %d/%d works\n", b.Counts.Finished(), b.Total)
			last = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
	return nil, errors.New("the batch did not end within an hour")
}

// direct reads each work's page and downloads its file with the client alone, concurrency
// at once, and returns works per second.
func direct(ctx context.Context, baseURL string, refs []string, concurrency int, maxBytes int64) (float64, error) {
	c := &imslpclient.Client{BaseURL: baseURL, HTTP: imslpclient.NewHTTPClient(time.Minute), MaxBytes: maxBytes}
	next := make(chan string)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for ref := range next {
				r, err := imslpclient.ParseRef(ref)
				if err == nil {
					var work *imslpclient.Work
					if work, err = c.Work(ctx, r); err == nil {
						_, err = c.Download(ctx, work.Files[0].Index)
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, r := range refs {
		next <- r
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	return float64(len(refs)) / time.Since(start).Seconds(), nil
}
