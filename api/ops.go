package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"riverqueue.com/riverui"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
)

// riverUIPrefix is where River UI is mounted; River UI must be told the same prefix.
const riverUIPrefix = "/ops/river"

// newRiverUI returns River UI as a Fiber handler. Its background caches run until ctx ends.
func newRiverUI(ctx context.Context, client *river.Client[pgx.Tx], logger *slog.Logger) (fiber.Handler, error) {
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		Logger:    logger.With(slog.String("component", "riverui")),
		Prefix:    riverUIPrefix,
	})
	if err != nil {
		return nil, fmt.Errorf("error creating River UI: %w", err)
	}
	if err := h.Start(ctx); err != nil {
		return nil, fmt.Errorf("error starting River UI: %w", err)
	}
	return httpHandler(ctx, h), nil
}

// httpHandler mounts a net/http handler whose requests carry ctx (the server's lifetime) as
// their context. Fiber's adaptor would pass fasthttp's RequestCtx instead, and a context
// derived from it (River UI sets timeouts) reads a field of the server that fasthttp's
// shutdown writes without a lock: a data race.
func httpHandler(ctx context.Context, h http.Handler) fiber.Handler {
	return adaptor.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
}

// pipelinesResponse is the operators' pipelines page.
type pipelinesResponse struct {
	// Queues: every known queue, then any other with jobs.
	Queues []store.QueueActivity `json:"queues"`
	// Failures: the latest jobs whose last attempt failed, newest first.
	Failures []store.FailedJob `json:"failures"`
	// Imports: the latest IMSLP imports of every user.
	Imports []imslp.Batch `json:"imports"`
	// RiverUI is where River UI is served (the same operator access).
	RiverUI     string    `json:"river_ui"`
	GeneratedAt time.Time `json:"generated_at"`
}

// pipelines answers the operators' pipelines page.
func (s *Server) pipelines(c *fiber.Ctx) error {
	ctx := c.UserContext()
	qs, err := store.QueuesActivity(ctx, s.pool, queues.All())
	if err != nil {
		return err
	}
	failures, err := store.RecentFailures(ctx, s.pool, 50)
	if err != nil {
		return err
	}
	imports, err := imslp.List(ctx, s.pool, imslp.Anyone(), 20)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(pipelinesResponse{Queues: qs, Failures: failures, Imports: imports,
		RiverUI: riverUIPrefix + "/", GeneratedAt: s.now().UTC()})
}

// retriedJob is a job made available again.
type retriedJob struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`
	Queue string `json:"queue"`
	State string `json:"state"`
}

// retryJob makes a failed job (retryable or discarded) available to work now.
func (s *Server) retryJob(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "a job's id is a positive number"}
	}
	ctx := c.UserContext()
	job, err := s.river.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "there is no such job (finished jobs are deleted after a day)"}
	}
	if err != nil {
		return fmt.Errorf("error reading job %d: %w", id, err)
	}
	if job.State != rivertype.JobStateRetryable && job.State != rivertype.JobStateDiscarded {
		return &Error{Status: http.StatusConflict, Code: "conflict",
			Message: fmt.Sprintf("only failed jobs can be retried; this one is %s", job.State)}
	}
	if job, err = s.river.JobRetry(ctx, id); err != nil {
		return fmt.Errorf("error retrying job %d: %w", id, err)
	}
	s.logger.InfoContext(ctx, "job retried by an operator", slog.Int64("job_id", id), slog.String("kind", job.Kind))
	return c.JSON(retriedJob{ID: job.ID, Kind: job.Kind, Queue: job.Queue, State: string(job.State)})
}
