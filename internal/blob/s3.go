package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 stores objects in a bucket of any S3-compatible service (AWS S3, MinIO, R2, …), under
// an optional key prefix. A PUT is atomic there: readers see the old object or the new one.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
}

var _ Store = (*S3)(nil)

// S3Config locates the bucket.
type S3Config struct {
	// Endpoint is the service's URL: https://s3.eu-west-1.amazonaws.com, http://127.0.0.1:9000.
	Endpoint  string
	Region    string
	Bucket    string
	Prefix    string
	AccessKey string
	SecretKey string
	// PathStyle addresses the bucket in the path (MinIO and most self-hosted services)
	// rather than in the host name.
	PathStyle bool
}

// NewS3 returns a store for cfg's bucket and checks that the bucket exists.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("the S3 endpoint must be an http(s) URL, got %q", cfg.Endpoint)
	}
	lookup := minio.BucketLookupDNS
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("error creating the S3 client: %w", err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("error reaching S3 bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("S3 bucket %q does not exist at %s", cfg.Bucket, cfg.Endpoint)
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: prefix}, nil
}

func (s *S3) key(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// limitedReader fails once more than limit bytes were read, so an upload over the limit is
// aborted rather than stored.
type limitedReader struct {
	r     io.Reader
	left  int64
	total int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.total += int64(n)
	if l.left >= 0 && l.total > l.left {
		return n, ErrTooLarge
	}
	return n, err
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	k, err := s.key(key)
	if err != nil {
		return 0, err
	}
	left := int64(-1)
	if limit > 0 {
		left = limit
	}
	lr := &limitedReader{r: r, left: left}
	size := int64(-1) // unknown: a multipart upload, in parts of PartSize
	if l, ok := r.(interface{ Len() int }); ok && (limit <= 0 || int64(l.Len()) <= limit) {
		size = int64(l.Len()) // known (a bytes.Reader): one PUT
	} else if l, ok := r.(interface{ Size() int64 }); ok && (limit <= 0 || l.Size() <= limit) {
		size = l.Size() // known (an io.SectionReader of a file on disk)
	}
	info, err := s.client.PutObject(ctx, s.bucket, k, lr, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
		PartSize:    16 << 20,
		// Unsigned payload: no chunked payload signatures, which not every S3-compatible
		// service decodes; TLS protects the bytes in transit.
		DisableContentSha256: true,
	})
	if errors.Is(err, ErrTooLarge) || (err == nil && limit > 0 && info.Size > limit) {
		_ = s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, k, minio.RemoveObjectOptions{})
		return 0, fmt.Errorf("%w: %s over %d bytes", ErrTooLarge, key, limit)
	}
	if err != nil {
		return 0, fmt.Errorf("error storing %s: %w", key, err)
	}
	return info.Size, nil
}

// Open implements Store.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	k, err := s.key(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, k, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.notFound(err, key)
	}
	// GetObject is lazy: Stat makes the request, and tells a missing key.
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		return nil, s.notFound(err, key)
	}
	return obj, nil
}

func (s *S3) notFound(err error, key string) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("error reading %s: %w", key, err)
}

// Delete implements Store; deleting a missing object is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("error deleting %s: %w", key, err)
	}
	return nil
}

// DeletePrefix implements Store.
func (s *S3) DeletePrefix(ctx context.Context, prefix string) error {
	p, err := s.key(strings.TrimSuffix(prefix, "/"))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The listing feeds the deletion; a listing error stops both and is returned.
	objects := make(chan minio.ObjectInfo)
	var listErr error
	go func() {
		defer close(objects)
		for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: p + "/", Recursive: true}) {
			if o.Err != nil {
				listErr = o.Err
				return
			}
			select {
			case objects <- o:
			case <-ctx.Done():
				return
			}
		}
	}()
	for e := range s.client.RemoveObjects(ctx, s.bucket, objects, minio.RemoveObjectsOptions{}) {
		if e.Err != nil {
			return fmt.Errorf("error deleting %s: %w", e.ObjectName, e.Err)
		}
	}
	if listErr != nil {
		return fmt.Errorf("error listing %s: %w", prefix, listErr)
	}
	return nil
}
