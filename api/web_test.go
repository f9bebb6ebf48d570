package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// TestWebClient: the client's files are served with the right caching, compressed when the
// browser accepts it; the client's own routes get index.html; the API's paths never do.
func TestWebClient(t *testing.T) {
	t.Parallel()
	index := `<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>`
	script := strings.Repeat("console.log('mirubato');\n", 100)
	b := setup(t, setupOpts{web: fstest.MapFS{
		"index.html":           {Data: []byte(index)},
		"assets/app-1a2b3c.js": {Data: []byte(script)},
		"sw.js":                {Data: []byte("self.addEventListener('fetch', () => {});")},
		"manifest.webmanifest": {Data: []byte(`{"name":"Mirubato"}`)},
		".gitkeep":             {Data: nil},
	}})

	t.Run("IndexAndClientRoutes", func(t *testing.T) {
		for _, p := range []string{"/", "/logbook", "/scores/2f0c1f5e-8b8e-4c55-9d7e-3f1b2a3c4d5e", "/auth/verify?token=abc"} {
			resp, data := b.do(t, http.MethodGet, p, nil, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, p)
			require.Equal(t, index, string(data), p)
			require.Equal(t, "no-cache", resp.Header.Get("Cache-Control"), p)
			require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
			require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
			require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
			require.NotEmpty(t, resp.Header.Get("ETag"))
		}
		resp, _ := b.do(t, http.MethodGet, "/", nil, nil)
		resp2, data := b.do(t, http.MethodGet, "/", nil, http.Header{"If-None-Match": {resp.Header.Get("ETag")}})
		require.Equal(t, http.StatusNotModified, resp2.StatusCode)
		require.Empty(t, data)
	})

	t.Run("HashedAssetsCachedForAYear", func(t *testing.T) {
		resp, data := b.do(t, http.MethodGet, "/assets/app-1a2b3c.js", nil, http.Header{"Accept-Encoding": {"br, gzip"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
		require.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
		require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
		require.Contains(t, resp.Header.Get("Vary"), "Accept-Encoding")
		require.Less(t, len(data), len(script)/4, "compressed")
		zr, err := gzip.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		plain, err := io.ReadAll(zr)
		require.NoError(t, err)
		require.Equal(t, script, string(plain))

		for _, enc := range []string{"", "identity", "gzip;q=0"} {
			resp, data = b.do(t, http.MethodGet, "/assets/app-1a2b3c.js", nil, http.Header{"Accept-Encoding": {enc}})
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Empty(t, resp.Header.Get("Content-Encoding"), enc)
			require.Equal(t, script, string(data), enc)
		}
	})

	t.Run("ServiceWorkerAndManifestRevalidated", func(t *testing.T) {
		resp, _ := b.do(t, http.MethodGet, "/sw.js", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "no-cache", resp.Header.Get("Cache-Control"), "a new service worker reaches browsers at once")
		resp, _ = b.do(t, http.MethodGet, "/manifest.webmanifest", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "application/manifest+json", resp.Header.Get("Content-Type"))
	})

	t.Run("NotFound", func(t *testing.T) {
		for _, p := range []string{"/assets/missing-0000.js", "/assets/no-extension", "/api/nothing-here", "/api", "/.gitkeep", "/dev/nothing"} {
			resp, data := b.do(t, http.MethodGet, p, nil, nil)
			requireError(t, resp, data, http.StatusNotFound, "not_found")
		}
		resp, data := b.do(t, http.MethodPost, "/logbook", strings.NewReader("{}"), nil)
		require.GreaterOrEqual(t, resp.StatusCode, 400)
		require.NotContains(t, string(data), "<html>", "writes never get the client's page")
	})

	t.Run("Config", func(t *testing.T) {
		resp, data := b.call(t, http.MethodGet, "/api/config", "", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		cfg := decodeAs[struct {
			Development    bool   `json:"development"`
			DevMailbox     bool   `json:"dev_mailbox"`
			GoogleClientID string `json:"google_client_id"`
		}](t, data)
		require.True(t, cfg.Development)
		require.True(t, cfg.DevMailbox)
		require.Empty(t, cfg.GoogleClientID, "Google sign-in is not configured here")
	})
}

// TestWebClientNotBuilt: a binary built without the client says how to build it.
func TestWebClientNotBuilt(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	resp, data := b.do(t, http.MethodGet, "/logbook", nil, nil)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Contains(t, string(data), "make web")
}
