package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/web"
)

// TestWebEndToEnd runs the browser tests (web/e2e/run.mjs: Playwright driving Debian's
// Chromium) against this binary run as `mirubato dev` on a fresh database: the client is
// the one embedded in the binary, served by the API, with the worker running the pipelines.
// It saves screenshots of the main pages under docs/screenshots/ (E2E_SCREENSHOTS elsewhere).
//
// It needs the client built before the test binary (`make web`; `make test` does it),
// Chromium (ops/setup installs Debian's) and the client's npm packages (npm ci).
func TestWebEndToEnd(t *testing.T) {
	if _, err := fs.Stat(web.Assets(), "index.html"); err != nil {
		t.Fatal("the web client is not built into this test binary: run `make web` first (`make test` does)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is not at %s: ops/setup installs Debian's chromium (or set CHROMIUM)", chromium)
	}
	node, err := exec.LookPath("node")
	require.NoError(t, err, "Node.js runs the browser tests")
	if _, err := os.Stat("web/node_modules/playwright-core"); err != nil {
		t.Fatal("web/node_modules is missing: run `npm ci` in web/ (`make test` does)")
	}

	ctx := context.Background()
	dbURL := dbtest.EmptyDatabase(t)
	port := freePort(t)
	environ := []string{"MIRUBATO_ENV=development", "DATABASE_URL=" + dbURL, "BLOB_DIR=" + t.TempDir(),
		fmt.Sprintf("PORT=%d", port), "RIVER_FETCH_POLL_INTERVAL=100ms", "SHUTDOWN_TIMEOUT=5s", "LOG_LEVEL=warn"}
	require.NoError(t, run(ctx, []string{"migrate"}, environ, &bytes.Buffer{}, &bytes.Buffer{}))
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	const admin = "admin@e2e.example"
	u, err := store.EnsureUser(ctx, pool, admin)
	require.NoError(t, err)
	require.NoError(t, store.SetRole(ctx, pool, u.ID, store.RoleAdmin))

	logPath := filepath.Join(t.TempDir(), "server.log")
	logFile, err := os.Create(logPath)
	require.NoError(t, err)
	defer logFile.Close()
	server := exec.Command(os.Args[0]) //nolint:gosec // this test binary, as `mirubato dev`
	server.Env = append(append(os.Environ(), environ...), processEnv+"=dev")
	server.Stdout, server.Stderr = logFile, logFile
	server.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(t, server.Start())
	defer func() {
		_ = server.Process.Signal(syscall.SIGTERM)
		_ = server.Wait()
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			t.Logf("server log (last 4000 bytes):\n%s", data[max(0, len(data)-4000):])
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "the server became ready")

	score := filepath.Join(t.TempDir(), "prelude.pdf")
	require.NoError(t, os.WriteFile(score, pdftest.Build(pdftest.Doc{
		Pages: [][]string{{"Prelude in C major", "J. S. Bach", "BWV 846"}, {"page 2"}},
		Info:  map[string]string{"Title": "Prelude in C major", "Author": "Johann Sebastian Bach"},
	}), 0o600))
	shots := os.Getenv("E2E_SCREENSHOTS")
	if shots == "" {
		shots, err = filepath.Abs("docs/screenshots")
		require.NoError(t, err)
	}

	e2eCtx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(e2eCtx, node, "e2e/run.mjs") //nolint:gosec // our own script
	cmd.Dir = "web"
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "CHROMIUM="+chromium, "ADMIN_EMAIL="+admin,
		"SCORE_PDF="+score, "SCREENSHOTS="+shots)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	t.Log(out.String())
	require.NoError(t, err, "the browser tests failed (their output is above)")
}

// freePort returns a loopback port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}
