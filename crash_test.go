package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

// apiProcess is a `mirubato api` process: this test binary started as the command.
type apiProcess struct {
	cmd  *exec.Cmd
	base string
}

func startAPI(t *testing.T, environ []string, port int, name string) *apiProcess {
	t.Helper()
	p := &apiProcess{base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	p.cmd, _ = startProcess(t, append(slices.Clone(environ), fmt.Sprintf("PORT=%d", port)), "api", name)
	require.Eventually(t, func() bool {
		resp, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 50*time.Millisecond, "%s became ready", name)
	return p
}

// keyedRequest is one write sent with an Idempotency-Key, and how to count what it wrote.
type keyedRequest struct {
	token       string
	key         string
	contentType string
	path        string
	body        []byte
	table       string // where its row is, found by the key it carries
	column      string
}

// TestIdempotencyAcrossAPICrash kills the API process (SIGKILL) while it answers keyed
// writes, restarts it, and sends every request that got no answer again with its key: each
// key has written exactly one row. A key's response is stored in the transaction of the
// write it protects, so a crash leaves both or neither; it was once stored after the commit,
// and a retry after the claim's timeout wrote again.
func TestIdempotencyAcrossAPICrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := dbtest.EmptyDatabase(t)
	environ := []string{"MIRUBATO_ENV=development", "DATABASE_URL=" + dbURL, "BLOB_DIR=" + t.TempDir(), "SHUTDOWN_TIMEOUT=5s"}
	require.NoError(t, run(ctx, []string{"migrate"}, environ, &bytes.Buffer{}, &bytes.Buffer{}))
	// Four users, so that no user's write and upload limits are what the test measures.
	var toks []string
	for i := range 4 {
		var out bytes.Buffer
		require.NoError(t, run(ctx, []string{"user", "token", fmt.Sprintf("crash%d@example.com", i)}, environ, &out, &bytes.Buffer{}))
		toks = append(toks, strings.TrimSpace(out.String()))
	}
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	// Between the API and the database, statements take a few milliseconds more, as on a
	// network: more requests are caught between two of their statements by the kills.
	proxy := dbtest.NewProxy(t, dbURL)
	proxy.SetLatency(5 * time.Millisecond)
	apiEnv := append([]string{}, environ...)
	apiEnv[1] = "DATABASE_URL=" + proxy.URL(dbURL)

	// Logbook entries (a synced route: the write, its fan-out and the key in one transaction)
	// and score uploads (the file is checked, then recorded in the request's transaction).
	var reqs []keyedRequest
	for i := range 160 {
		key, tok := fmt.Sprintf("key-%03d", i), toks[i%len(toks)]
		if i%8 == 7 {
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			fw, err := w.CreateFormFile("file", key+".pdf")
			require.NoError(t, err)
			_, err = fw.Write(pdftest.Build(pdftest.Doc{Pages: [][]string{{"Etude " + key}}}))
			require.NoError(t, err)
			require.NoError(t, w.Close())
			reqs = append(reqs, keyedRequest{token: tok, key: key, contentType: w.FormDataContentType(), path: "/api/scores",
				body: buf.Bytes(), table: "scores", column: "filename"})
			continue
		}
		body, err := json.Marshal(map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10,
			"type": "practice", "notes": key})
		require.NoError(t, err)
		reqs = append(reqs, keyedRequest{token: tok, key: key, contentType: "application/json", path: "/api/logbook/entries",
			body: body, table: "logbook_entries", column: "notes"})
	}
	send := func(base string, r keyedRequest) (int, error) {
		req, err := http.NewRequest(http.MethodPost, base+r.path, bytes.NewReader(r.body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+r.token)
		req.Header.Set("Content-Type", r.contentType)
		req.Header.Set("Idempotency-Key", r.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}

	port := freePort(t)
	answered := map[string]int{}
	var mu sync.Mutex
	// Rounds: a process answers what is unanswered until it is killed mid-load (three
	// times), then a new one gets every request that got no answer again, with its key,
	// until each is answered (a claim left by an older build was taken over after a minute).
	for round := 1; ; round++ {
		api := startAPI(t, apiEnv, port, fmt.Sprintf("api-%d", round))
		var todo []keyedRequest
		for _, r := range reqs {
			if _, ok := answered[r.key]; !ok {
				todo = append(todo, r)
			}
		}
		if len(todo) == 0 {
			break
		}
		kill := round <= 3
		if round > 5 {
			// A claim an older build committed ahead of its write is taken over after a
			// minute: wait for it once.
			time.Sleep(61 * time.Second)
		}
		require.Less(t, round, 8, "requests still unanswered: %d", len(todo))
		next := make(chan keyedRequest)
		var wg sync.WaitGroup
		var inFlightErr error
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range next {
					status, err := send(api.base, r)
					switch {
					case err != nil && !kill:
						mu.Lock()
						inFlightErr = err
						mu.Unlock()
					case err != nil, status == http.StatusConflict:
						// Killed, or in flight elsewhere: sent again in the next round.
					default:
						mu.Lock()
						answered[r.key] = status
						mu.Unlock()
					}
				}
			}()
		}
		before := len(answered)
		killed := make(chan error, 1)
		if kill {
			// Mid-load, every connection busy: once a third of the round is answered.
			go func() {
				for {
					mu.Lock()
					n := len(answered) - before
					mu.Unlock()
					if n >= len(todo)/3 {
						break
					}
					time.Sleep(time.Millisecond)
				}
				err := api.cmd.Process.Kill()
				_ = api.cmd.Wait()
				killed <- err
			}()
		}
		for _, r := range todo {
			next <- r
		}
		close(next)
		wg.Wait()
		if kill {
			require.NoError(t, <-killed)
		}
		require.NoError(t, inFlightErr)
		t.Logf("round %d: %d requests sent, %d answered in all", round, len(todo), len(answered))
		if kill {
			require.Less(t, len(answered), len(reqs), "the kill left requests unanswered")
		}
		if !kill {
			_ = api.cmd.Process.Signal(syscall.SIGTERM)
			_ = api.cmd.Wait()
		}
	}
	for key, status := range answered {
		require.Contains(t, []int{http.StatusCreated, http.StatusAccepted}, status, key)
	}

	for _, r := range reqs {
		var n int
		col := r.column
		value := r.key
		if r.table == "scores" {
			value += ".pdf"
		}
		require.NoError(t, pool.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, r.table, col), value).Scan(&n))
		require.Equal(t, 1, n, "%s wrote %d rows", r.key, n)
	}
}
