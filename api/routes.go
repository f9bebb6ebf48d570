package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// routes is the one route table of the API. Read it top to bottom.
func (s *Server) routes(riverUI fiber.Handler) {
	app := s.app
	app.Use(requestid.New())
	app.Use(s.accessLog) // outside recover, so a panic is logged as the 500 it becomes
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))

	// Probes and metrics.
	app.Get("/livez", s.livez)
	app.Get("/readyz", s.readyz)
	app.Get("/health", s.health)
	app.Get("/metrics", adaptor.HTTPHandler(s.metrics.Handler()))

	// Operators.
	ops := app.Group("/ops", s.requireOperator)
	ops.Use("/river", riverUI)
}
