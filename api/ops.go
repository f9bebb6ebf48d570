package api

import (
	"context"
	"fmt"
	"log/slog"

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
	return adaptor.HTTPHandler(h), nil
}
