package api_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkListLogbookEntries is the hot path of the API (ops/bench/api loads it at a fixed
// rate across processes): one authenticated page of 50 entries, through the real server
// and a real HTTP client. Run with -benchmem: allocations per request decide how often
// the collector runs under load, and so the latency tail.
func BenchmarkListLogbookEntries(b *testing.B) {
	tb := setup(b, setupOpts{})
	tb.router = nil // responses were checked against the document by the tests
	u, token := tb.user(b, "bench@example.com")
	_, err := tb.pool.Exec(context.Background(), `
		INSERT INTO logbook_entries (user_id, practiced_at, duration_minutes, type, instrument, pieces, tags, notes)
		SELECT $1, now() - make_interval(hours => i * 3), 10 + i % 80, 'practice', 'piano',
			jsonb_build_array(jsonb_build_object('title', 'Etude ' || i % 27, 'composer', 'Chopin', 'minutes', 10)),
			ARRAY['scales', 'week' || i % 52], 'worked on voicing and pedalling, bars ' || i % 90
		FROM generate_series(1, 1000) AS i`, u.ID)
	require.NoError(b, err)
	req, err := http.NewRequest(http.MethodGet, tb.baseURL+"/api/logbook/entries?limit=50", nil)
	require.NoError(b, err)
	req.Header.Set("Authorization", "Bearer "+token)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n < 10_000 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
}
