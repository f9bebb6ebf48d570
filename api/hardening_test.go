package api_test

import (
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMetricsSurviveMixedTraffic: label values must not point into Fiber's reused request
// buffers. They once did: after a few requests a DELETE was counted as "GETETE", two series
// collided and every scrape answered 500 until the process restarted.
func TestMetricsSurviveMixedTraffic(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	require.NoError(t, err, "promtool (Debian package prometheus) is installed by ops/setup")
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "metrics@example.com")

	// Several keep-alive connections, each carrying every kind of request in turn, so the
	// buffers of one request are reused by the next.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				resp, data := b.call(t, http.MethodPost, "/api/logbook/entries", tok, map[string]any{
					"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10 + w + i, "type": "practice"}, nil)
				require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
				id := decodeAs[struct {
					ID string `json:"id"`
				}](t, data).ID
				resp, _ = b.call(t, http.MethodGet, "/api/logbook/entries/"+id, tok, nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				resp, _ = b.call(t, http.MethodPut, "/api/logbook/entries/"+id, tok, map[string]any{
					"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 30, "type": "lesson"}, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				resp, _ = b.call(t, http.MethodDelete, "/api/logbook/entries/"+id, tok, nil, nil)
				require.Equal(t, http.StatusNoContent, resp.StatusCode)
				resp, _ = b.call(t, http.MethodGet, "/api/no/such/route", tok, nil, nil)
				require.Equal(t, http.StatusNotFound, resp.StatusCode)
				resp, _ = b.uploadRaw(t, tok, "not.pdf", []byte("plain text, not a PDF"), nil)
				require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
				resp, _ = b.do(t, "PATCH", "/livez", nil, nil)
				require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
			}
		}()
	}
	wg.Wait()

	resp, data := b.do(t, http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	text := string(data)
	// Every method label is one that was sent; none is a mix of two.
	for _, m := range regexp.MustCompile(`mirubato_http_requests_total\{method="([^"]*)"`).FindAllStringSubmatch(text, -1) {
		require.Contains(t, []string{"GET", "POST", "PUT", "DELETE", "PATCH"}, m[1])
	}
	for _, want := range []string{
		`mirubato_http_requests_total{method="POST",route="/api/logbook/entries",status="201"} 60`,
		`mirubato_http_requests_total{method="PUT",route="/api/logbook/entries/:id",status="200"} 60`,
		`mirubato_http_requests_total{method="DELETE",route="/api/logbook/entries/:id",status="204"} 60`,
		`mirubato_http_requests_total{method="GET",route="/api/logbook/entries/:id",status="200"} 60`,
		`mirubato_http_requests_total{method="POST",route="/api/scores",status="422"} 60`,
	} {
		require.Contains(t, text, want)
	}

	cmd := exec.CommandContext(context.Background(), promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "promtool check metrics: %s", out)
	require.NotContains(t, strings.ToLower(string(out)), "error")
}
