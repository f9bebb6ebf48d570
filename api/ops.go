package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
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
