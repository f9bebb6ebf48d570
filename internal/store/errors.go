package store

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err means the database could not be reached or is not
// taking work (refused or lost connections, a server shutting down or out of connections):
// the request may succeed later, so it is answered 503, not 500.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			strings.HasPrefix(pgErr.Code, "53"),                                 // insufficient resources (too many connections…)
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutting down, starting up
			return true
		}
		return false
	}
	// Not the database: a request to another service (a blob bucket, an AI provider), or a
	// deadline of the caller's.
	var urlErr *url.Error
	if errors.As(err, &urlErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		pgconn.SafeToRetry(err)
}

// BadValue reports whether err is PostgreSQL refusing a value it was given (a number out of
// its column's range, text that is not UTF-8 or not of its type, a date out of range). The
// API checks what it is sent before it is stored, so this is the last line: the client's
// input, not our failure. Other data exceptions (a division by zero in our SQL) are ours.
func BadValue(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "22001", // string_data_right_truncation
		"22003", // numeric_value_out_of_range
		"22007", // invalid_datetime_format
		"22008", // datetime_field_overflow
		"22021", // character_not_in_repertoire (not UTF-8)
		"22P02", // invalid_text_representation
		"22P05", // untranslatable_character
		"22025", // invalid_escape_sequence
		"2202E": // array_subscript_error
		return true
	}
	return false
}
