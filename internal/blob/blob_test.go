package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/blob"
)

func TestFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := blob.NewFS(dir)
	require.NoError(t, err)
	contract(t, s, func(t *testing.T) {
		entries, err := os.ReadDir(filepath.Join(dir, "big"))
		require.NoError(t, err)
		require.Empty(t, entries, "no temporary file left behind")
	})
}

func TestS3(t *testing.T) {
	t.Parallel()
	// An S3-compatible server in this process, over real HTTP on loopback.
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	require.NoError(t, backend.CreateBucket("scores"))
	ctx := context.Background()
	cfg := blob.S3Config{Endpoint: srv.URL, Region: "us-east-1", Bucket: "scores", Prefix: "mirubato", AccessKey: "key",
		SecretKey: "secret", PathStyle: true}
	s, err := blob.NewS3(ctx, cfg)
	require.NoError(t, err)
	contract(t, s, func(t *testing.T) {
		list, err := backend.ListBucket("scores", &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
		require.NoError(t, err)
		for _, o := range list.Contents {
			require.NotContains(t, o.Key, "big/", "no part of an object over the limit stored")
		}
	})
	t.Run("PrefixedKeys", func(t *testing.T) {
		_, err := s.Put(ctx, "prefixed/k", strings.NewReader("v"), 0)
		require.NoError(t, err)
		obj, err := backend.HeadObject("scores", "mirubato/prefixed/k")
		require.NoError(t, err)
		require.EqualValues(t, 1, obj.Size)
	})
	cfg.Bucket = "missing"
	_, err = blob.NewS3(ctx, cfg)
	require.ErrorContains(t, err, `S3 bucket "missing" does not exist`)
}

// contract is what every Store must do; nothingLeft checks, after a refused large Put, that
// no trace of it is stored.
func contract(t *testing.T, s blob.Store, nothingLeft func(t *testing.T)) {
	t.Helper()
	ctx := context.Background()

	t.Run("PutOpenDelete", func(t *testing.T) {
		t.Parallel()
		n, err := s.Put(ctx, "scores/abc/original.pdf", strings.NewReader("%PDF-1.7 hello"), 1<<20)
		require.NoError(t, err)
		require.EqualValues(t, 14, n)
		r, err := s.Open(ctx, "scores/abc/original.pdf")
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, r.Close())
		require.Equal(t, "%PDF-1.7 hello", string(b))

		require.NoError(t, s.Delete(ctx, "scores/abc/original.pdf"))
		_, err = s.Open(ctx, "scores/abc/original.pdf")
		require.ErrorIs(t, err, blob.ErrNotFound)
		require.NoError(t, s.Delete(ctx, "scores/abc/original.pdf"), "deleting twice is fine")
	})

	t.Run("TooLargeLeavesNothing", func(t *testing.T) {
		t.Parallel()
		_, err := s.Put(ctx, "big/file", bytes.NewReader(make([]byte, 2048)), 1024)
		require.ErrorIs(t, err, blob.ErrTooLarge)
		_, err = s.Open(ctx, "big/file")
		require.ErrorIs(t, err, blob.ErrNotFound)
		nothingLeft(t)
	})

	t.Run("BadKeys", func(t *testing.T) {
		t.Parallel()
		for _, key := range []string{"", "../etc/passwd", "a/../../b", "/abs", "a//b", ".hidden", "a/.x", "spaces here", strings.Repeat("a", 513)} {
			_, err := s.Put(ctx, key, strings.NewReader("x"), 0)
			require.ErrorIs(t, err, blob.ErrBadKey, key)
			_, err = s.Open(ctx, key)
			require.ErrorIs(t, err, blob.ErrBadKey, key)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		t.Parallel()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Put(cctx, "cancelled/x", strings.NewReader("data"), 0)
		require.True(t, errors.Is(err, context.Canceled))
		_, err = s.Open(ctx, "cancelled/x")
		require.ErrorIs(t, err, blob.ErrNotFound)
	})

	t.Run("ConcurrentWritersNeverMix", func(t *testing.T) {
		t.Parallel()
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				_, err := s.Put(ctx, "race/obj", bytes.NewReader(bytes.Repeat([]byte{byte('a' + i)}, 64<<10)), 0)
				require.NoError(t, err)
			})
		}
		wg.Wait()
		r, err := s.Open(ctx, "race/obj")
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		require.NoError(t, r.Close())
		require.Len(t, b, 64<<10)
		require.Equal(t, bytes.Repeat(b[:1], 64<<10), b, "one writer's object whole, not a mix")
	})

	t.Run("DeletePrefix", func(t *testing.T) {
		t.Parallel()
		for _, k := range []string{"pages/s1/1.png", "pages/s1/2.png", "pages/s2/1.png"} {
			_, err := s.Put(ctx, k, strings.NewReader("png"), 0)
			require.NoError(t, err)
		}
		require.NoError(t, s.DeletePrefix(ctx, "pages/s1"))
		_, err := s.Open(ctx, "pages/s1/2.png")
		require.ErrorIs(t, err, blob.ErrNotFound)
		r, err := s.Open(ctx, "pages/s2/1.png")
		require.NoError(t, err)
		require.NoError(t, r.Close())
	})
}
