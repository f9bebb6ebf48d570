package api

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mirubato/mirubato/internal/pdf"
)

// Request bodies are streamed (fiber.Config.StreamRequestBody): nothing is read before a
// handler's middleware decides how much may be. Every route but an upload takes at most
// HTTP_MAX_BODY_BYTES, refused by its declared length before a byte of it is read, or
// while reading one that declares none; an upload is read once, as it arrives, into its
// form (files on disk, fields in memory), with its own limit enforced while reading.

// errBodyTooLarge ends the reading of a body past its limit.
var errBodyTooLarge = errors.New("the request body is larger than this server accepts")

// limitedReader reads at most n bytes from r, then fails with errBodyTooLarge.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// One byte more tells a body that ends exactly at the limit from a longer one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func tooLargeBody(limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
		Message: "the request body is larger than this server accepts (" + pdf.Size(limit) + " here)"}
}

// bodyStream is the request's body as a stream (what fasthttp has not read yet included).
func bodyStream(c *fiber.Ctx) io.Reader {
	if r := c.Request().BodyStream(); r != nil {
		return r
	}
	return bytes.NewReader(c.Request().Body())
}

// limitBody refuses, before routing, a body whose declared length is past what any route but
// the uploads takes (HTTP_MAX_BODY_BYTES), and a compressed one (a small gzip body can
// expand without bound). Nothing is read here: each route reads its body (readBody,
// readForm) once the request is known to be allowed.
func (s *Server) limitBody(c *fiber.Ctx) error {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "request bodies are not accepted compressed (Content-Encoding)"}
	}
	if c.Method() == fiber.MethodPost && s.uploads[strings.ToLower(strings.TrimSuffix(c.Path(), "/"))] {
		return c.Next() // readForm reads it, with its own limit
	}
	if limit := int64(s.cfg.MaxBodyBytes); int64(c.Request().Header.ContentLength()) > limit {
		return tooLargeBody(limit) // unread: fasthttp closes the connection instead of draining it
	}
	return c.Next()
}

// readBody reads a route's body, up to limit bytes: refused from its declared length before
// it is read, or as soon as one without passes the limit.
func readBody(limit int64) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if int64(c.Request().Header.ContentLength()) > limit {
			return tooLargeBody(limit)
		}
		if c.Request().BodyStream() != nil {
			// Read in the request's own buffer, grown as the body arrives.
			buf := bytes.NewBuffer(make([]byte, 0, min(limit, max(512, int64(c.Request().Header.ContentLength())))))
			_, err := buf.ReadFrom(&limitedReader{r: c.Request().BodyStream(), n: limit})
			if errors.Is(err, errBodyTooLarge) {
				return tooLargeBody(limit)
			}
			if err != nil {
				return badRequest("the request body could not be read")
			}
			c.Request().SetBodyRaw(buf.Bytes())
		}
		return c.Next()
	}
}

// form is an upload's multipart form, read from the request as it arrived, with the hash of
// what it says (an Idempotency-Key's request hash): its fields and files, not the bytes
// that framed them, so a retry that frames the same form anew (a browser's new boundary)
// is the same request.
type form struct {
	*multipart.Form
	sum []byte
}

type formKey struct{}

// formOf returns the request's upload form, or nil.
func formOf(c *fiber.Ctx) *form {
	f, _ := c.Locals(formKey{}).(*form)
	return f
}

// readForm is the middleware of the upload routes: it reads the multipart/form-data body
// as it arrives, the files into temporary files (removed when the request ends) and the
// other fields into memory (Go's ReadForm keeps at most 1 MiB of parts plus 10 MiB of
// field values, and 1,000 parts), refusing the body past limit bytes while reading it.
func (s *Server) readForm(limit int64) fiber.Handler {
	return func(c *fiber.Ctx) error {
		mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
		if err != nil || mt != fiber.MIMEMultipartForm || params["boundary"] == "" {
			return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
				Message: "send the score as multipart/form-data"}
		}
		if int64(c.Request().Header.ContentLength()) > limit {
			return tooLargeBody(limit)
		}
		body := &limitedReader{r: bodyStream(c), n: limit}
		mf, err := multipart.NewReader(body, params["boundary"]).ReadForm(1 << 20)
		switch {
		case errors.Is(err, errBodyTooLarge):
			return tooLargeBody(limit)
		case errors.Is(err, multipart.ErrMessageTooLarge):
			return badRequest("the form has too many parts, or fields other than files too large")
		case err != nil:
			return badRequest("the multipart form could not be read: " + err.Error())
		}
		defer func() { _ = mf.RemoveAll() }()
		if _, err := io.Copy(io.Discard, body); errors.Is(err, errBodyTooLarge) { // after the closing boundary
			return tooLargeBody(limit)
		}
		sum, err := formHash(mf)
		if err != nil {
			return err
		}
		c.Locals(formKey{}, &form{Form: mf, sum: sum})
		return c.Next()
	}
}

// formHash is the hash of a form's fields and files, in a fixed order.
func formHash(mf *multipart.Form) ([]byte, error) {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(mf.Value)) {
		for _, v := range mf.Value[k] {
			fmt.Fprintf(h, "field %q %d\n%s\n", k, len(v), v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(mf.File)) {
		for _, fh := range mf.File[k] {
			f, err := fh.Open()
			if err != nil {
				return nil, badRequest("the uploaded file could not be read")
			}
			fs := sha256.New()
			_, err = io.Copy(fs, f)
			_ = f.Close()
			if err != nil {
				return nil, badRequest("the uploaded file could not be read")
			}
			fmt.Fprintf(h, "file %q %q %x\n", k, fh.Filename, fs.Sum(nil))
		}
	}
	return h.Sum(nil), nil
}
