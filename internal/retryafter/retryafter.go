// Package retryafter reads HTTP Retry-After headers, for the clients of services that ask us
// to come back later (the OpenAI-compatible APIs, IMSLP).
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse reads v as seconds or an HTTP date (a date in the past is 0); anything else, an
// absent header included, is def.
func Parse(v string, def time.Duration) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return def
}
