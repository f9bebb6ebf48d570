// Package metrics owns the Prometheus registry of a process: HTTP and job instruments, and a
// collector that reads queue depth and job counts from River's table at scrape time.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/store"
)

// Metrics is one process's registry and instruments. Create it once and pass it around.
type Metrics struct {
	Registry     *prometheus.Registry
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	jobsWorked   *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
}

// New returns a registry with the Go runtime and process collectors and our instruments.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mirubato_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mirubato_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		jobsWorked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mirubato_jobs_worked_total",
			Help: "Jobs worked by this process, by queue, kind and outcome (ok, error, snoozed, cancelled, interrupted, panic).",
		}, []string{"queue", "kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mirubato_job_duration_seconds",
			Help:    "Time spent working a job, by queue and kind.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5, 15, 60, 300},
		}, []string{"queue", "kind"}),
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.jobsWorked, m.jobDuration,
	)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// ObserveHTTP records one served request.
func (m *Metrics) ObserveHTTP(method, route string, status int, d time.Duration) {
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(d.Seconds())
}

// ObserveJob records one worked job.
func (m *Metrics) ObserveJob(queue, kind, outcome string, d time.Duration) {
	m.jobsWorked.WithLabelValues(queue, kind, outcome).Inc()
	m.jobDuration.WithLabelValues(queue, kind).Observe(d.Seconds())
}

// RegisterQueueStats adds the collector of River job counts by queue and state, queue depth
// and the age of the oldest available job. Results are cached for ttl so that frequent
// scrapes from several API processes do not each scan river_job.
func (m *Metrics) RegisterQueueStats(pool *pgxpool.Pool, queues []string, ttl time.Duration, logger *slog.Logger) error {
	return m.Registry.Register(&queueStats{
		pool: pool, queues: queues, ttl: ttl, logger: logger,
		jobs: prometheus.NewDesc("mirubato_river_jobs",
			"River jobs in the database by queue and state.", []string{"queue", "state"}, nil),
		depth: prometheus.NewDesc("mirubato_river_queue_depth",
			"Jobs available to work now, by queue.", []string{"queue"}, nil),
		age: prometheus.NewDesc("mirubato_river_queue_oldest_available_age_seconds",
			"How long the oldest job available to work now has waited, by queue (0 when none).", []string{"queue"}, nil),
		up: prometheus.NewDesc("mirubato_river_stats_up",
			"1 when the last read of River's job table succeeded.", nil, nil),
	})
}

type queueStats struct {
	pool                 *pgxpool.Pool
	queues               []string
	ttl                  time.Duration
	logger               *slog.Logger
	jobs, depth, age, up *prometheus.Desc

	mu     sync.Mutex
	readAt time.Time
	cached []prometheus.Metric
}

func (q *queueStats) Describe(ch chan<- *prometheus.Desc) {
	ch <- q.jobs
	ch <- q.depth
	ch <- q.age
	ch <- q.up
}

func (q *queueStats) Collect(ch chan<- prometheus.Metric) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cached == nil || time.Since(q.readAt) >= q.ttl {
		q.cached = q.read()
		q.readAt = time.Now()
	}
	for _, m := range q.cached {
		ch <- m
	}
}

func (q *queueStats) read() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	fail := func(err error) []prometheus.Metric {
		q.logger.WarnContext(ctx, "error reading queue stats", slog.Any("error", err))
		return []prometheus.Metric{prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 0)}
	}
	counts, err := store.JobCounts(ctx, q.pool)
	if err != nil {
		return fail(err)
	}
	depths, err := store.QueueDepths(ctx, q.pool)
	if err != nil {
		return fail(err)
	}

	// Every known queue and state appears, at 0 when empty, so dashboards see whole series.
	byQueueState := make(map[[2]string]float64)
	for _, queue := range q.queues {
		for _, st := range rivertype.JobStates() {
			byQueueState[[2]string{queue, string(st)}] = 0
		}
	}
	for _, c := range counts {
		byQueueState[[2]string{c.Queue, c.State}] = float64(c.Jobs)
	}
	byQueue := make(map[string]store.QueueDepth)
	for _, queue := range q.queues {
		byQueue[queue] = store.QueueDepth{Queue: queue}
	}
	for _, d := range depths {
		byQueue[d.Queue] = d
	}

	out := make([]prometheus.Metric, 0, len(byQueueState)+2*len(byQueue)+1)
	for k, n := range byQueueState {
		out = append(out, prometheus.MustNewConstMetric(q.jobs, prometheus.GaugeValue, n, k[0], k[1]))
	}
	for queue, d := range byQueue {
		out = append(out,
			prometheus.MustNewConstMetric(q.depth, prometheus.GaugeValue, float64(d.Available), queue),
			prometheus.MustNewConstMetric(q.age, prometheus.GaugeValue, d.OldestAgeSeconds, queue))
	}
	return append(out, prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 1))
}
