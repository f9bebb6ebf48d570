package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The browser client (web/): its built files are read once from Deps.Web and served from
// memory. Files under /assets/ carry a content hash in their names (Vite), so they are cached
// for a year; every other file (index.html, the service worker, the manifest) is revalidated
// with its ETag, so a deploy reaches browsers at their next load. A GET of a path that is no
// file and has no extension is one of the client's own routes: it gets index.html.

const (
	immutableCache   = "public, max-age=31536000, immutable"
	revalidateCache  = "no-cache"
	webAssetsPrefix  = "/assets/"
	notBuiltResponse = `<!doctype html><meta charset="utf-8"><title>mirubato</title>
<p>The web client is not built into this binary. Run <code>make web</code> (or <code>make run</code>, which builds it) and start the server again.</p>`
)

// webFile is one file of the client, with its gzip form when that is smaller.
type webFile struct {
	body, gz    []byte
	contentType string
	etag        string
}

// webFiles is the client, by URL path ("/index.html", "/assets/app-1a2b.js").
type webFiles map[string]*webFile

// loadWebFiles reads every file of fsys; nil fsys (no client) gives an empty set. Files the
// build already compressed (x.js.gz beside x.js) are used as they are.
func loadWebFiles(fsys fs.FS) (webFiles, error) {
	files := webFiles{}
	if fsys == nil {
		return files, nil
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") || strings.HasSuffix(name, ".gz") {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &webFile{body: body, contentType: webContentType(name),
			etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		if gz, err := fs.ReadFile(fsys, name+".gz"); err == nil {
			f.gz = gz
		} else if compressible(f.contentType) && len(body) > 512 {
			f.gz = gzipBytes(body)
		}
		if f.gz != nil && len(f.gz) >= len(body) {
			f.gz = nil
		}
		files["/"+name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error reading the web client's files: %w", err)
	}
	return files, nil
}

func webContentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	case ".json":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(contentType string) bool {
	for _, p := range []string{"text/", "application/json", "application/manifest+json", "image/svg+xml"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = w.Write(b)                                       // writes to memory do not fail
	_ = w.Close()
	return buf.Bytes()
}

// serveWeb answers GET and HEAD for the client's files and routes; anything else, and any
// path of the API's own (/api/, /ops/, /dev/), goes on to the not-found error.
func (s *Server) serveWeb(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	p := c.Path()
	for _, own := range []string{"/api/", "/ops/", "/dev/"} {
		if strings.HasPrefix(p, own) || p+"/" == own {
			return c.Next()
		}
	}
	f, ok := s.web[p]
	if !ok {
		if path.Ext(p) != "" || strings.HasPrefix(p, webAssetsPrefix) { // a missing file, not a route of the client
			return c.Next()
		}
		if f, ok = s.web["/index.html"]; !ok {
			c.Set(fiber.HeaderCacheControl, revalidateCache)
			c.Type("html", "utf-8")
			return c.Status(http.StatusServiceUnavailable).SendString(notBuiltResponse)
		}
	}
	if strings.HasPrefix(p, webAssetsPrefix) {
		c.Set(fiber.HeaderCacheControl, immutableCache)
	} else {
		c.Set(fiber.HeaderCacheControl, revalidateCache)
	}
	c.Set(fiber.HeaderETag, f.etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Vary(fiber.HeaderAcceptEncoding)
	if strings.HasPrefix(f.contentType, "text/html") {
		c.Set(fiber.HeaderContentSecurityPolicy, s.contentSecurityPolicy())
		c.Set(fiber.HeaderXFrameOptions, "DENY")
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
		return c.SendStatus(http.StatusNotModified)
	}
	body := f.body
	if f.gz != nil && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		body = f.gz
	}
	return c.Send(body)
}

// acceptsGzip reads an Accept-Encoding header: gzip listed, and not with q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// contentSecurityPolicy is the client's: its own scripts only; connections to this site (the
// API and the sync socket); page images and PDFs from this site or the client's own blobs.
// Google's sign-in script and frame are allowed when Google sign-in is configured.
func (s *Server) contentSecurityPolicy() string {
	script, frame, connect := "'self'", "'self' blob:", "'self'"
	if s.google != nil {
		script += " https://accounts.google.com/gsi/client"
		frame += " https://accounts.google.com/gsi/"
		connect += " https://accounts.google.com/gsi/"
	}
	return "default-src 'self'; script-src " + script + "; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; font-src 'self'; connect-src " + connect + "; worker-src 'self'; " +
		"frame-src " + frame + "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

// clientConfig tells a client how it may sign in.
type clientConfig struct {
	// GoogleClientID is set when Google sign-in is enabled.
	GoogleClientID string `json:"google_client_id,omitempty"`
	// Development: sign-in links are kept in the dev mailbox (GET /dev/mailbox) when no SMTP
	// server is configured.
	Development bool `json:"development"`
	DevMailbox  bool `json:"dev_mailbox"`
}

func (s *Server) clientConfig(c *fiber.Ctx) error {
	out := clientConfig{Development: s.cfg.Development(), DevMailbox: s.cfg.Development() && s.mailbox != nil}
	if s.google != nil {
		out.GoogleClientID = s.cfg.GoogleClientID
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}
