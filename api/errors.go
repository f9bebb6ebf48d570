package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/store"
)

// Error is an error with the HTTP status and machine-readable code it should be answered with.
// Handlers return it; handleError turns it (and every other error) into the one JSON shape:
//
//	{"error": {"code": "not_found", "message": "no route for GET /x"}}
type Error struct {
	Status  int
	Code    string
	Message string
	Details []FieldError
}

func (e *Error) Error() string { return e.Message }

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Details []FieldError `json:"details,omitempty"`
}

// codeFor names a status that Fiber or fasthttp produced on their own.
func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "payload_too_large"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusServiceUnavailable:
		return "unavailable"
	}
	return strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
}

func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, code, msg := http.StatusInternalServerError, "internal", "something went wrong on our side; it has been logged"
	var apiErr *Error
	var fe *fiber.Error
	var details []FieldError
	var later *ai.RetryLater
	switch {
	case errors.As(err, &apiErr):
		status, code, msg, details = apiErr.Status, apiErr.Code, apiErr.Message, apiErr.Details
	case errors.Is(err, store.ErrNotFound):
		status, code, msg = http.StatusNotFound, "not_found", "not found"
	case errors.Is(err, store.ErrVersionConflict):
		status, code, msg = http.StatusPreconditionFailed, "version_conflict",
			"it was changed since the version you edited (If-Match); reload it and apply your change again"
	case errors.Is(err, store.ErrChangesPruned):
		status, code, msg = http.StatusGone, "resync_required",
			"the changes after this cursor are no longer kept; read the whole account again (GET /api/export) and pull from its sync_cursor"
	case errors.Is(err, store.ErrBadCursor):
		status, code, msg = http.StatusBadRequest, "bad_request", "cursor is not one this list gave out; start again without it"
	case errors.As(err, &later):
		status, code, msg = http.StatusServiceUnavailable, "unavailable", "the AI service is busy; try again shortly"
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(later.After.Seconds()))))
	case errors.Is(err, pdf.ErrBusy):
		status, code, msg = http.StatusServiceUnavailable, "unavailable", pdf.ErrBusy.Error()
		c.Set(fiber.HeaderRetryAfter, "10")
	case errors.As(err, &fe):
		status = fe.Code
		code = codeFor(status)
		msg = fiberMessage(c, fe)
	case store.Unavailable(err):
		status, code, msg = http.StatusServiceUnavailable, "unavailable", "the service cannot reach its database right now; try again shortly"
		c.Set(fiber.HeaderRetryAfter, "5")
		s.logger.WarnContext(c.UserContext(), "database unavailable",
			slog.String("request_id", requestID(c)), slog.String("route", routeLabel(c)), slog.Any("error", err))
	case store.BadValue(err):
		// A value the edge checks let through; logged, since the check should be there.
		status, code, msg = http.StatusBadRequest, "bad_request", "a value in the request cannot be stored: a number out of range, or text that is not valid"
		s.logger.WarnContext(c.UserContext(), "value refused by the database",
			slog.String("request_id", requestID(c)), slog.String("route", routeLabel(c)), slog.Any("error", err))
	}
	// fasthttp reports a broken or closed connection (no request was read: no request id)
	// through the same handler; that is not a failed request.
	connectionLevel := requestID(c) == "" && (errors.Is(err, fiber.ErrBadGateway) || errors.Is(err, fiber.ErrRequestTimeout))
	if status >= 500 && status != http.StatusServiceUnavailable && !connectionLevel {
		s.logger.ErrorContext(c.UserContext(), "request failed",
			slog.String("request_id", requestID(c)), slog.String("method", c.Method()),
			slog.String("path", c.Path()), slog.Any("error", err))
	}
	return c.Status(status).JSON(errorBody{Error: errorDetail{Code: code, Message: msg, Details: details}})
}

// fiberMessage rewrites Fiber's built-in messages into sentences a person understands.
func fiberMessage(c *fiber.Ctx, fe *fiber.Error) string {
	switch fe.Code {
	case http.StatusNotFound:
		if strings.HasPrefix(fe.Message, "Cannot ") {
			return "no route for " + c.Method() + " " + c.Path()
		}
	case http.StatusMethodNotAllowed:
		return "method " + c.Method() + " is not allowed on " + c.Path()
	case http.StatusRequestEntityTooLarge:
		return "the request body is larger than this server accepts"
	}
	if fe.Message == http.StatusText(fe.Code) {
		return strings.ToLower(fe.Message[:1]) + fe.Message[1:]
	}
	return fe.Message
}
