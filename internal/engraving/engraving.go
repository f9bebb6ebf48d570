// Package engraving reads the music of an engraved (vector) score page the way a musician
// glances at its first system: how many staves and how they are grouped, each staff's
// clef, the instrument names printed before it, whether the top staff carries words, the
// key signature and, when the music makes it clear, the key with its mode; and from these
// the instrumentation.
//
// The page is never parsed in this process: MuPDF's `mutool draw -F trace` describes every
// path and glyph of the page (a subprocess with a timeout, bounded output and bounded
// memory), and the reading works on that description. docs/engraving.md says what is read
// and how.
package engraving

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/mirubato/mirubato/internal/metadata"
)

// Reader reads the first system of engraved music on single-page PDFs. The zero value
// uses the defaults.
type Reader struct {
	Timeout   time.Duration // per page; 0 means 10 s
	MaxOut    int           // bytes of mutool's trace accepted per page; 0 means 32 MiB
	MaxMemory int64         // bytes of address space mutool may use; 0 means 1 GiB
}

// ErrTool is wrapped by errors of a tool that ran and failed (a broken PDF, a timeout,
// too much output), as opposed to a tool that is missing or a caller that gave up.
var ErrTool = errors.New("mutool failed")

// Read returns what the first system of music on page 1 of pdf says. It returns nil and
// no error when the page has no staves it can read: a title page, a page of text, a scan
// (an image has no paths). A score's first page is often only a title page, so a caller
// that gets nil for page 1 should try page 2.
func (r Reader) Read(ctx context.Context, pdf []byte) (*metadata.Music, error) {
	out, err := r.trace(ctx, pdf)
	if err != nil {
		return nil, err
	}
	m := readPage(parseTrace(out))
	if m == nil {
		return nil, nil //nolint:nilnil // no staves: the caller tries another page
	}
	return m, nil
}

func (r Reader) trace(ctx context.Context, pdf []byte) ([]byte, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	maxOut := r.MaxOut
	if maxOut <= 0 {
		maxOut = 32 << 20
	}
	maxMem := r.MaxMemory
	if maxMem <= 0 {
		maxMem = 1 << 30
	}
	// mutool reads a file, not standard input.
	f, err := os.CreateTemp("", "engraving-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("error creating the page's temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(pdf); err != nil {
		f.Close()
		return nil, fmt.Errorf("error writing the page's temporary file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("error writing the page's temporary file: %w", err)
	}

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// prlimit (util-linux) bounds mutool's address space: a hostile page cannot take the
	// worker's memory.
	cmd := exec.CommandContext(ctx, "prlimit", "--as="+strconv.FormatInt(maxMem, 10), "--",
		"mutool", "draw", "-q", "-N", "-F", "trace", "-o", "-", f.Name(), "1")
	out := &limitedBuffer{max: maxOut}
	stderr := &limitedBuffer{max: 4 << 10, truncate: true}
	cmd.Stdout, cmd.Stderr = out, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, fmt.Errorf("prlimit is not installed (util-linux): %w", err)
	case parent.Err() != nil:
		// The caller gave up (a job's deadline, a shutdown): not the file's fault.
		return nil, fmt.Errorf("mutool stopped: %w", parent.Err())
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: mutool took longer than %s", ErrTool, timeout)
	case out.overflow:
		return nil, fmt.Errorf("%w: mutool wrote more than %d bytes", ErrTool, maxOut)
	case errors.As(err, &exit) && strings.Contains(stderr.String(), "failed to execute"):
		return nil, fmt.Errorf("mutool is not installed (mupdf-tools; ops/setup installs it): %s", strings.TrimSpace(stderr.String()))
	case err != nil:
		return nil, fmt.Errorf("%w: %w: %s", ErrTool, err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps at most max bytes: past that it notes the overflow and refuses the
// write (stopping the tool), or with truncate drops the rest quietly. It has no ReadFrom
// (as an embedded bytes.Buffer would give it), which io.Copy would call instead of Write,
// bypassing the limit.
type limitedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
	truncate bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.overflow = true
		if b.truncate {
			b.buf.Write(p[:max(0, b.max-b.buf.Len())])
			return len(p), nil
		}
		return 0, errors.New("output limit reached")
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) Bytes() []byte  { return b.buf.Bytes() }
func (b *limitedBuffer) String() string { return b.buf.String() }
