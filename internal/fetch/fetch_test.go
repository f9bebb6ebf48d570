package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/fetch"
)

func refusal(t *testing.T, err error) string {
	t.Helper()
	return refused(t, err).Reason
}

func refused(t *testing.T, err error) *fetch.Refused {
	t.Helper()
	var r *fetch.Refused
	require.True(t, errors.As(err, &r), "%v", err)
	return r
}

func TestFetch(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/scores/nocturne.pdf", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("%PDF-1.4 tiny")) })
	mux.HandleFunc("/named", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="../Etude Op. 10.pdf"`)
		_, _ = w.Write([]byte("%PDF-"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(strings.Repeat("x", 2000))) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, _ *http.Request) {
		for range 20 {
			_, _ = w.Write([]byte(strings.Repeat("x", 100)))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/x.pdf", http.StatusFound)
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/scores/nocturne.pdf", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux) // loopback
	t.Cleanup(srv.Close)
	ctx := context.Background()
	f := fetch.New(fetch.Options{MaxBytes: 1000, Timeout: 500 * time.Millisecond, AllowPrivate: true})

	file, err := f.Get(ctx, srv.URL+"/scores/nocturne.pdf")
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.4 tiny", string(file.Data))
	require.Equal(t, "nocturne.pdf", file.Filename)
	file, err = f.Get(ctx, srv.URL+"/moved")
	require.NoError(t, err)
	require.Equal(t, srv.URL+"/scores/nocturne.pdf", file.FinalURL)
	file, err = f.Get(ctx, srv.URL+"/named")
	require.NoError(t, err)
	require.Equal(t, "Etude Op. 10.pdf", file.Filename)

	_, err = f.Get(ctx, srv.URL+"/big")
	require.ErrorIs(t, err, fetch.ErrTooLarge)
	_, err = f.Get(ctx, srv.URL+"/big-chunked")
	require.ErrorIs(t, err, fetch.ErrTooLarge, "the limit holds without a Content-Length")
	require.False(t, refused(t, err).Temporary, "no retry makes a file smaller")

	// Whether a later try may succeed: a URL import's job retries only those that may.
	_, err = f.Get(ctx, srv.URL+"/missing")
	require.Equal(t, "the server at the URL answered 404 Not Found", refusal(t, err))
	require.False(t, refused(t, err).Temporary)
	_, err = f.Get(ctx, srv.URL+"/busy")
	require.Equal(t, "the server at the URL answered 503 Service Unavailable", refusal(t, err))
	require.True(t, refused(t, err).Temporary)
	_, err = f.Get(ctx, srv.URL+"/slow")
	require.Contains(t, refusal(t, err), "in time")
	require.True(t, refused(t, err).Temporary)
	_, err = f.Get(ctx, srv.URL+"/to-ftp")
	require.Equal(t, "the URL could not be fetched: its redirects lead nowhere we follow", refusal(t, err))
	require.False(t, refused(t, err).Temporary)
	_, err = f.Get(ctx, srv.URL+"/loop")
	require.Equal(t, "the URL could not be fetched: its redirects lead nowhere we follow", refusal(t, err))
	for _, bad := range []string{"ftp://example.com/a.pdf", "file:///etc/passwd", "/relative.pdf", "http://user:pw@example.com/x.pdf", "not a url"} {
		_, err = f.Get(ctx, bad)
		require.Contains(t, refusal(t, err), "URL must", bad)
		require.False(t, refused(t, err).Temporary, bad)
	}
	closed := httptest.NewServer(mux)
	closedURL := closed.URL
	closed.Close()
	_, err = f.Get(ctx, closedURL+"/scores/nocturne.pdf")
	require.Equal(t, "the URL could not be fetched", refusal(t, err))
	require.True(t, refused(t, err).Temporary, "a refused connection may be a server restarting")

	// Without the switch, loopback (and every other non-public address) is refused at
	// connection time, so neither a name nor a redirect can get there.
	strict := fetch.New(fetch.Options{MaxBytes: 1000})
	_, err = strict.Get(ctx, srv.URL+"/scores/nocturne.pdf")
	require.Equal(t, "the URL points to a private or local network address, which is not allowed", refusal(t, err))
	require.False(t, refused(t, err).Temporary)
	_, err = strict.Get(ctx, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/scores/nocturne.pdf")
	require.Contains(t, refusal(t, err), "private or local")
}

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false,
		"224.0.0.1": false, "0.1.2.3": false, "2002:7f00:1::1": false, "64:ff9b:1::7f00:1": false, "fec0::1": false,
	} {
		require.Equal(t, want, fetch.Public(netip.MustParseAddr(addr)), addr)
	}
}
