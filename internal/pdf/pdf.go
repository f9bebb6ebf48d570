// Package pdf checks untrusted PDF files and takes them apart: validation with size, page
// and time limits (pdfcpu), single-page extraction (pdfcpu), and page images and text
// (poppler's pdftoppm and pdftotext, run as subprocesses with a timeout).
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/validate"
)

// Limits bound the work an untrusted file can cause.
type Limits struct {
	MaxBytes int64         // larger files are refused before anything is parsed
	MaxPages int           // checked against the page tree's declared count before it is walked
	Timeout  time.Duration // for reading and validating the file
	// Gate, if set, bounds how many files are parsed at once (shared by the callers of one
	// process).
	Gate *Gate
}

// Refused is the error for a file we do not accept; Reason is for the person who sent it.
type Refused struct {
	Reason string
	Err    error // the parser's error, for logs; may be nil
}

func (e *Refused) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *Refused) Unwrap() error { return e.Err }

// Panic is a panic of the PDF library, recovered: the file is refused, and the panic (a bug
// of the library's that this file found) is logged by whoever reports the refusal.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

// recovered is the Panic of a recover() value r.
func recovered(r any) *Panic { return &Panic{Value: r, Stack: debug.Stack()} }

func refuse(err error, format string, args ...any) *Refused {
	return &Refused{Reason: fmt.Sprintf(format, args...), Err: err}
}

// Document is a parsed, validated PDF.
type Document struct {
	ctx *model.Context
	// mu: the raw page writer only reads ctx (read lock, many at once); pdfcpu's page
	// extraction changes it (write lock).
	mu sync.RWMutex
	// pageTree lists the pages for the raw page writer; nil if the tree could not be read
	// that way (pdfcpu's extraction then does every page).
	pageTree []pageLeaf
	// Pages is the number of pages.
	Pages int
	// Info is the document information dictionary: the standard keys (Title, Author,
	// Subject, Keywords, Creator, Producer) and any others engraving programs write, such as
	// Composer, Subtitle, Arranger or Opus. Empty values are left out.
	Info map[string]string
	// Encrypted: the file is encrypted with an owner password only (it opens without a
	// password; its permission flags restrict printing, copying or changes). It was read
	// with the empty user password, and the pages written from it are not encrypted.
	Encrypted bool
}

var configOnce sync.Once

// configuration is pdfcpu's configuration for untrusted input. pdfcpu would otherwise
// read and write a configuration directory in the user's home on first use.
func configuration() *model.Configuration {
	configOnce.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// The empty user password opens exactly the files every reader opens without asking:
	// those with an owner password only (publishers' PDFs that forbid printing or copying).
	// With both passwords empty pdfcpu checks no permission flag, and it decrypts every
	// string and stream as it reads them, so the pages written from the parsed document are
	// plain PDFs. A file that needs a user password fails with ErrWrongPassword.
	conf.UserPW, conf.OwnerPW = "", ""
	return conf
}

// Open checks data against lim and parses it. The size limit and the %PDF- signature are
// checked first; the declared page count is checked before the page tree is walked, so a
// file claiming billions of pages costs no more than a small one; reading and validating
// stop at lim.Timeout. Every refusal is a *Refused.
func Open(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return OpenReader(ctx, bytes.NewReader(data), int64(len(data)), lim)
}

// Sniff makes Open's checks that read nothing but the file's first bytes (empty, too
// large, not starting with %PDF-): for a file read in full later. Refusals are *Refused.
func Sniff(r io.ReaderAt, size int64, lim Limits) error {
	if size == 0 {
		return refuse(nil, "the file is empty")
	}
	if lim.MaxBytes > 0 && size > lim.MaxBytes {
		return refuse(nil, "the file is %s; the limit is %s", Size(size), Size(lim.MaxBytes))
	}
	head := make([]byte, 5)
	if n, _ := r.ReadAt(head, 0); n < len(head) || !bytes.Equal(head, []byte("%PDF-")) {
		return refuse(nil, "this is not a PDF file (it does not start with %%PDF-)")
	}
	return nil
}

// OpenReader is Open for a file of size bytes read through r (a file on disk: an upload is
// never held whole in memory to be checked). r must stay readable until the parse ends,
// which may be after OpenReader returned (see Open); reads that fail then end it.
func OpenReader(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (*Document, error) {
	if err := Sniff(r, size, lim); err != nil {
		return nil, err
	}
	if lim.Timeout <= 0 {
		lim.Timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	if err := lim.Gate.enter(ctx); err != nil {
		return nil, err
	}

	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer lim.Gate.leave() // when the parse ends, which may be after Open returned
		doc, err := parse(ctx, io.NewSectionReader(r, 0, size), lim)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		// pdfcpu's reader stops at the cancellation; its validation does not, and finishes
		// in the background (the declared page count bounds it).
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, refuse(ctx.Err(), "the PDF could not be read within %s; it may be damaged or unusually complex", lim.Timeout)
		}
		return nil, ctx.Err()
	}
}

func parse(ctx context.Context, rs io.ReadSeeker, lim Limits) (doc *Document, err error) {
	defer func() {
		// pdfcpu panics on some malformed input; a panic is a refusal, not a crash.
		if r := recover(); r != nil {
			doc, err = nil, refuse(recovered(r), "the PDF is damaged and could not be read")
		}
	}()
	pc, err := pdfcpu.ReadWithContext(ctx, rs, configuration())
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, pdfcpu.ErrWrongPassword) {
			return nil, refuse(err, "the PDF is password-protected; remove the password and upload it again")
		}
		if errors.Is(err, pdfcpu.ErrUnsupportedEncryptionFeature) {
			// A certificate (public-key) handler, or a revision pdfcpu does not know.
			return nil, refuse(err, "the PDF is encrypted in a way that cannot be read here; save an unencrypted copy and upload that")
		}
		return nil, refuse(err, "the PDF is damaged and could not be read")
	}
	if err := pc.EnsurePageCount(); err != nil {
		return nil, refuse(err, "the PDF has no readable page tree")
	}
	if err := checkPages(pc.PageCount, lim); err != nil {
		return nil, err
	}
	if err := validate.XRefTable(pc); err != nil {
		return nil, refuse(err, "the PDF is damaged and could not be read")
	}
	// Validation counts the pages it actually finds.
	if err := checkPages(pc.PageCount, lim); err != nil {
		return nil, err
	}
	doc = &Document{ctx: pc, Pages: pc.PageCount, Info: info(pc), Encrypted: pc.Encrypt != nil}
	if root, err := pc.Pages(); err == nil && root != nil {
		if leaves, err := walkPages(derefer{doc}, *root, pc.PageCount); err == nil && len(leaves) == pc.PageCount {
			doc.pageTree = leaves
		}
	}
	return doc, nil
}

func checkPages(n int, lim Limits) error {
	if n < 1 {
		return refuse(nil, "the PDF has no pages")
	}
	if lim.MaxPages > 0 && n > lim.MaxPages {
		return refuse(nil, "the PDF has %d pages; the limit is %d", n, lim.MaxPages)
	}
	return nil
}

// info reads the document information dictionary, standard and custom keys alike.
func info(pc *model.Context) map[string]string {
	out := map[string]string{}
	if pc.Info == nil {
		return out
	}
	d, err := pc.DereferenceDict(*pc.Info)
	if err != nil || d == nil {
		return out
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		obj, err := pc.Dereference(d[k])
		if err != nil || obj == nil {
			continue
		}
		s, err := types.StringOrHexLiteral(obj)
		if err != nil || s == nil {
			continue
		}
		if v := strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(*s, ""), "\x00", "")); v != "" {
			out[k] = v
		}
	}
	return out
}

// Page returns page n (1-based) as a PDF of its own. It is safe to call from several
// goroutines at once.
func (d *Document) Page(n int) (data []byte, err error) {
	if n < 1 || n > d.Pages {
		return nil, fmt.Errorf("page %d out of 1..%d", n, d.Pages)
	}
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, refuse(recovered(r), "page %d is damaged and could not be extracted", n)
		}
	}()
	data, err = d.rawPage(n)
	if !errors.Is(err, errUnsupported) {
		return data, err
	}
	return d.PageWithPdfcpu(n)
}

// PageWithPdfcpu is pdfcpu's own page extraction, which Page falls back on for what its
// faster raw writer does not handle. It changes the parsed document as it goes, so it runs
// one page at a time.
func (d *Document) PageWithPdfcpu(n int) (data []byte, err error) {
	if n < 1 || n > d.Pages {
		return nil, fmt.Errorf("page %d out of 1..%d", n, d.Pages)
	}
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, refuse(recovered(r), "page %d is damaged and could not be extracted", n)
		}
	}()
	d.mu.Lock()
	defer d.mu.Unlock()
	one, err := pdfcpu.ExtractPages(d.ctx, []int{n}, false)
	if err != nil {
		return nil, refuse(err, "page %d is damaged and could not be extracted", n)
	}
	var buf bytes.Buffer
	if err := api.WriteContext(one, &buf); err != nil {
		return nil, fmt.Errorf("error writing page %d: %w", n, err)
	}
	return buf.Bytes(), nil
}

// Split extracts every page, on up to workers goroutines (at least 1), and hands each to
// emit, which is called concurrently, once per page. The first error stops it.
func (d *Document) Split(parent context.Context, workers int, emit func(n int, page []byte) error) error {
	workers = max(1, min(workers, d.Pages))
	next := make(chan int)
	errs := make(chan error, workers)
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	for range workers {
		go func() {
			for n := range next {
				page, err := d.Page(n)
				if err == nil {
					err = emit(n, page)
				}
				if err != nil {
					errs <- err
					cancel()
					for range next { // drain, so the feeder can finish
					}
					return
				}
			}
			errs <- nil
		}()
	}
feed:
	for n := 1; n <= d.Pages; n++ {
		select {
		case next <- n:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	var first error
	for range workers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first == nil {
		first = parent.Err() // stopped from outside: pages are missing
	}
	return first
}

// Size formats a byte count for people: "50 MB", "1.5 MB", "900 KB".
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
