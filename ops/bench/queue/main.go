// Command queue measures job throughput through our worker stack (workers.New: middleware,
// logging, metrics, error handler) against a bare River client with the same queue settings,
// on the same database, in one run.
//
// Each round inserts N no-op jobs with InsertManyFast, starts a client and times until it
// has worked all N; bare and ours alternate so that drift on the machine hits both alike.
// The last line printed is one JSON object:
//
//	{"ours_jobs_per_s":…, "bare_jobs_per_s":…, "ratio":…}
//
// Usage: DATABASE_URL=… go run ./ops/bench/queue [-jobs 50000] [-rounds 3]
// It creates (and drops) its own database next to DATABASE_URL's.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/metrics"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/workers"
)

type noopArgs struct{}

func (noopArgs) Kind() string { return "bench_noop" }

// noopWorker counts the jobs it works and says when it has seen them all.
type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	worked atomic.Int64
	target int64
	done   chan struct{}
}

func (w *noopWorker) Work(context.Context, *river.Job[noopArgs]) error {
	if w.worked.Add(1) == w.target {
		close(w.done)
	}
	return nil
}

type result struct {
	OursJobsPerS float64 `json:"ours_jobs_per_s"`
	BareJobsPerS float64 `json:"bare_jobs_per_s"`
	Ratio        float64 `json:"ratio"`
	Jobs         int     `json:"jobs"`
	Rounds       int     `json:"rounds"`
	MaxWorkers   int     `json:"max_workers"`
	FetchCooldMS float64 `json:"fetch_cooldown_ms"`
	// RiverDefaultJobsPerS is one bare round with River's own default FetchCooldown (100 ms),
	// for reference: what the tuning buys.
	RiverDefaultJobsPerS float64 `json:"river_default_cooldown_jobs_per_s,omitempty"`
}

func main() {
	jobs := flag.Int("jobs", 50000, "jobs per round")
	rounds := flag.Int("rounds", 3, "rounds of each variant (the median is reported)")
	reference := flag.Bool("reference", true, "also run one bare round with River's default FetchCooldown")
	flag.Parse()
	if err := run(context.Background(), *jobs, *rounds, *reference); err != nil {
		fmt.Fprintln(os.Stderr, "bench/queue:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, jobs, rounds int, reference bool) error {
	// The product's defaults: what "out of the box" means.
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	logger := logging.New(os.Stderr, cfg)
	pool, _, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_queue", logger)
	if err != nil {
		return err
	}
	defer cleanup()

	maxWorkers := cfg.MaxWorkers()["default"]
	wcfg := workers.Config{
		MaxWorkers:           map[string]int{river.QueueDefault: maxWorkers},
		FetchCooldown:        cfg.RiverFetchCooldown,
		FetchPollInterval:    cfg.RiverFetchPollInterval,
		JobTimeout:           cfg.RiverJobTimeout,
		RescueStuckJobsAfter: cfg.RiverRescueStuckAfter,
	}
	inserter, err := workers.NewInsertOnly(pool, logger, 0)
	if err != nil {
		return err
	}

	var ours, bare []float64
	for r := range rounds {
		for _, variant := range []string{"bare", "ours"} {
			w := &noopWorker{target: int64(jobs), done: make(chan struct{})}
			reg := river.NewWorkers()
			river.AddWorker(reg, w)
			var client *workers.Client
			if variant == "ours" {
				client, err = workers.New(pool, wcfg, logger, metrics.New(), reg, nil)
			} else {
				client, err = river.NewClient(riverpgxv5.New(pool), &river.Config{
					Logger:               logger,
					Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}},
					Workers:              reg,
					FetchCooldown:        wcfg.FetchCooldown,
					FetchPollInterval:    wcfg.FetchPollInterval,
					JobTimeout:           wcfg.JobTimeout,
					RescueStuckJobsAfter: wcfg.RescueStuckJobsAfter,
				})
			}
			if err != nil {
				return err
			}
			rate, err := round(ctx, pool, inserter, client, w, jobs)
			if err != nil {
				return fmt.Errorf("%s round %d: %w", variant, r+1, err)
			}
			fmt.Fprintf(os.Stderr, "round %d %-4s %8.0f jobs/s\n", r+1, variant, rate)
			if variant == "ours" {
				ours = append(ours, rate)
			} else {
				bare = append(bare, rate)
			}
		}
	}
	var riverDefault float64
	if reference {
		refJobs := min(jobs, 10000) // at about 1,000 jobs/s, more would only take longer
		w := &noopWorker{target: int64(refJobs), done: make(chan struct{})}
		reg := river.NewWorkers()
		river.AddWorker(reg, w)
		client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
			Logger: logger, Workers: reg,
			Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}},
		})
		if err != nil {
			return err
		}
		if riverDefault, err = round(ctx, pool, inserter, client, w, refJobs); err != nil {
			return fmt.Errorf("reference round: %w", err)
		}
		fmt.Fprintf(os.Stderr, "reference: bare River, default FetchCooldown %8.0f jobs/s\n", riverDefault)
	}
	res := result{
		RiverDefaultJobsPerS: round1(riverDefault),
		OursJobsPerS:         round1(median(ours)), BareJobsPerS: round1(median(bare)),
		Jobs: jobs, Rounds: rounds, MaxWorkers: maxWorkers,
		FetchCooldMS: float64(wcfg.FetchCooldown.Microseconds()) / 1000,
	}
	res.Ratio = float64(int(median(ours)/median(bare)*1000)) / 1000
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// round inserts jobs, then times client working all of them.
func round(ctx context.Context, pool *pgxpool.Pool, inserter, client *workers.Client, w *noopWorker, jobs int) (float64, error) {
	if _, err := pool.Exec(ctx, "TRUNCATE river_job"); err != nil {
		return 0, err
	}
	params := make([]river.InsertManyParams, jobs)
	for i := range params {
		params[i] = river.InsertManyParams{Args: noopArgs{}}
	}
	if _, err := inserter.InsertManyFast(ctx, params); err != nil {
		return 0, err
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE river_job"); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		return 0, err
	}
	select {
	case <-w.done:
	case <-time.After(5 * time.Minute):
		return 0, fmt.Errorf("only %d of %d jobs worked in 5 minutes", w.worked.Load(), jobs)
	}
	elapsed := time.Since(start)
	stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := client.Stop(stopCtx); err != nil {
		return 0, err
	}
	return float64(jobs) / elapsed.Seconds(), nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func round1(x float64) float64 { return float64(int(x*10)) / 10 }
