package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/migrations"
	"github.com/mirubato/mirubato/pipelines/canary"
)

// Component states in /health.
const (
	statusOK       = "ok"
	statusDegraded = "degraded"
	statusDown     = "down"
)

// staleAfter is how old the canary heartbeat may be before /health calls the workers stale.
const staleAfter = 4 * canary.Interval

type component struct {
	Status    string   `json:"status"`
	Message   string   `json:"message,omitempty"`
	LatencyMS *float64 `json:"latency_ms,omitempty"`
	Details   any      `json:"details,omitempty"`
}

type healthBody struct {
	Status     string               `json:"status"`
	Time       time.Time            `json:"time"`
	Components map[string]component `json:"components"`
}

// livez answers while the process is alive; it checks nothing else on purpose.
func (s *Server) livez(c *fiber.Ctx) error {
	return c.JSON(statusResponse{Status: statusOK})
}

// readyz fails when this process cannot serve: the database does not answer.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		// The probe's own shape, which a load balancer's check can read like the success.
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(http.StatusServiceUnavailable).JSON(statusResponse{Status: statusDown, Message: "the database is unreachable"})
	}
	return c.JSON(statusResponse{Status: statusOK})
}

// health reports each component: database, migrations, River (workers alive and queues).
// It is 200 when nothing is down (degraded included) and 503 otherwise.
func (s *Server) health(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	body := healthBody{Status: statusOK, Time: s.now().UTC(), Components: map[string]component{}}

	start := time.Now()
	dbErr := s.pool.Ping(ctx)
	ms := float64(time.Since(start).Microseconds()) / 1000
	if dbErr != nil {
		body.Components["database"] = component{Status: statusDown, Message: "the database is unreachable"}
		body.Components["migrations"] = component{Status: statusDown, Message: "unknown: no database"}
		body.Components["river"] = component{Status: statusDown, Message: "unknown: no database"}
	} else {
		body.Components["database"] = component{Status: statusOK, LatencyMS: &ms}
		body.Components["migrations"] = s.migrationsHealth(ctx)
		body.Components["river"] = s.riverHealth(ctx)
	}
	for _, comp := range body.Components {
		switch {
		case comp.Status == statusDown:
			body.Status = statusDown
		case comp.Status == statusDegraded && body.Status == statusOK:
			body.Status = statusDegraded
		}
	}
	code := http.StatusOK
	if body.Status == statusDown {
		code = http.StatusServiceUnavailable
	}
	return c.Status(code).JSON(body)
}

func (s *Server) migrationsHealth(ctx context.Context) component {
	st, err := migrations.Read(ctx, s.pool)
	if err != nil {
		return component{Status: statusDown, Message: "could not read the migration version"}
	}
	if !st.Current() {
		return component{Status: statusDown, Message: "the database is behind this build: run mirubato migrate", Details: st}
	}
	return component{Status: statusOK, Details: st}
}

type riverDetails struct {
	LastWorkedAt *time.Time       `json:"last_worked_at"`
	WorkerID     string           `json:"worker_id,omitempty"`
	Available    map[string]int64 `json:"available"`
}

// riverHealth says whether jobs are being worked (the canary heartbeat is fresh) and how
// many are waiting per queue.
func (s *Server) riverHealth(ctx context.Context) component {
	det := riverDetails{Available: map[string]int64{}}
	for _, q := range queues.All() {
		det.Available[q] = 0
	}
	depths, err := store.QueueDepths(ctx, s.pool)
	if err != nil {
		return component{Status: statusDown, Message: "could not read River's job table"}
	}
	for _, d := range depths {
		det.Available[d.Queue] = d.Available
	}
	hb, err := store.LastHeartbeat(ctx, s.pool, queues.Default)
	if errors.Is(err, store.ErrNotFound) {
		return component{Status: statusDegraded, Message: "no worker has worked a job yet", Details: det}
	}
	if err != nil {
		return component{Status: statusDown, Message: "could not read the worker heartbeat"}
	}
	det.LastWorkedAt, det.WorkerID = &hb.WorkedAt, hb.WorkerID
	if age := s.now().Sub(hb.WorkedAt); age > staleAfter {
		return component{Status: statusDegraded,
			Message: "no job worked for " + age.Round(time.Second).String() + ": are the workers running?", Details: det}
	}
	return component{Status: statusOK, Details: det}
}
