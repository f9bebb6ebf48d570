// Package blob stores immutable binary objects (score PDFs, page images) by key. The
// filesystem implementation is the default; an S3-compatible one is to come for
// multi-machine deployments.
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrNotFound is returned for a key that has no object.
var ErrNotFound = errors.New("blob not found")

// ErrTooLarge is returned by Put for an object over its limit; nothing is stored.
var ErrTooLarge = errors.New("blob larger than its limit")

// ErrBadKey is returned for a key that is not of the accepted form.
var ErrBadKey = errors.New("bad blob key")

// keyPattern: slash-separated segments of letters, digits, dot, dash and underscore, no
// segment starting with a dot (so no "..", no hidden files), at most 512 characters.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

// CheckKey reports whether key can name an object.
func CheckKey(key string) error {
	if len(key) > 512 || !keyPattern.MatchString(key) {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// Store is where blobs live. Put replaces atomically: a reader sees the old object or the
// new one, never part of one, so a retried job can write the same key again.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error)
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
	// DeletePrefix deletes every object whose key starts with prefix + "/".
	DeletePrefix(ctx context.Context, prefix string) error
}

var _ Store = (*FS)(nil)

// Get reads a whole object (at most limit bytes; 0: no limit).
func Get(ctx context.Context, s Store, key string, limit int64) ([]byte, error) {
	rc, err := s.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var r io.Reader = rc
	if limit > 0 {
		r = io.LimitReader(rc, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("error reading blob %s: %w", key, err)
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, fmt.Errorf("blob %s is larger than %d bytes", key, limit)
	}
	return data, nil
}

// FS stores objects as files under a root directory. Writes go to a temporary file that is
// renamed into place, so a reader never sees half an object and a crash leaves none.
type FS struct {
	root string
}

// NewFS returns a store rooted at dir, creating it if needed.
func NewFS(dir string) (*FS, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("error creating blob directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &FS{root: abs}, nil
}

func (s *FS) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

// Put stores r under key, replacing any object there, and returns the bytes written. At
// most limit bytes are accepted (0: no limit); more is an error and nothing is stored.
func (s *FS) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	p, err := s.path(key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return 0, fmt.Errorf("error storing blob: %w", err)
	}
	suffix := make([]byte, 8)
	if _, err := rand.Read(suffix); err != nil {
		return 0, err
	}
	tmp := p + ".tmp-" + hex.EncodeToString(suffix)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return 0, fmt.Errorf("error storing blob: %w", err)
	}
	cleanup := func() { _ = f.Close(); _ = os.Remove(tmp) }
	src := io.Reader(ctxReader{ctx: ctx, r: r})
	if limit > 0 {
		src = io.LimitReader(src, limit+1)
	}
	n, err := io.Copy(f, src)
	if err != nil {
		cleanup()
		return 0, fmt.Errorf("error storing blob: %w", err)
	}
	if limit > 0 && n > limit {
		cleanup()
		return 0, fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, limit)
	}
	if err := f.Sync(); err != nil {
		cleanup()
		return 0, fmt.Errorf("error storing blob: %w", err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("error storing blob: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("error storing blob: %w", err)
	}
	return n, nil
}

// Open returns the object under key; the caller closes it.
func (s *FS) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error opening blob: %w", err)
	}
	return f, nil
}

// Delete removes the object under key; a missing one is not an error.
func (s *FS) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("error deleting blob: %w", err)
	}
	return nil
}

// DeletePrefix removes every object whose key starts with prefix + "/" (a score's pages).
func (s *FS) DeletePrefix(_ context.Context, prefix string) error {
	p, err := s.path(strings.TrimSuffix(prefix, "/"))
	if err != nil {
		return err
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("error deleting blobs: %w", err)
	}
	return nil
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context // scoped to one Put
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Root is the directory the store keeps its files in.
func (s *FS) Root() string { return s.root }
