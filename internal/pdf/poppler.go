package pdf

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
)

// Tools runs poppler's and MuPDF's command-line programs on single-page PDFs, each with a
// timeout, the result on standard output.
type Tools struct {
	Timeout time.Duration // per call; 0 means 60 s
	MaxOut  int           // bytes of output accepted per call; 0 means 64 MB
	// Renderer draws page images: RendererMuPDF (mutool draw; the default, two to four
	// times faster than pdftoppm on engraved pages, the same image) or RendererPoppler.
	Renderer string
}

// Renderers of page images.
const (
	RendererMuPDF   = "mutool"
	RendererPoppler = "pdftoppm"
)

// ErrTool is wrapped by errors of a tool that ran and failed (bad input, timeout), as
// opposed to a tool that is missing.
var ErrTool = errors.New("poppler tool failed")

// Render returns page 1 of pdf as a PNG: at dpi dots per inch, or, with fit > 0, scaled to
// fit in a fit×fit pixel box (thumbnails).
func (t Tools) Render(ctx context.Context, pdf []byte, dpi, fit int) ([]byte, error) {
	if t.Renderer != RendererPoppler {
		return t.draw(ctx, pdf, "rgb", dpi, fit)
	}
	args := []string{"-png", "-singlefile", "-f", "1", "-l", "1"}
	if fit > 0 {
		args = append(args, "-scale-to", strconv.Itoa(fit))
	} else {
		args = append(args, "-r", strconv.Itoa(dpi))
	}
	return t.run(ctx, "pdftoppm", pdf, append(args, "-")...)
}

// RenderForOCR returns page 1 of pdf as a greyscale PNG whose longer side is side pixels
// (about 300 dpi for a Letter or A4 page at 3300–3500): the resolution Tesseract reads
// best, whatever page size a scan was wrapped in.
func (t Tools) RenderForOCR(ctx context.Context, pdf []byte, side int) ([]byte, error) {
	if t.Renderer != RendererPoppler {
		return t.draw(ctx, pdf, "gray", 0, side)
	}
	return t.run(ctx, "pdftoppm", pdf, "-png", "-gray", "-singlefile", "-f", "1", "-l", "1",
		"-scale-to", strconv.Itoa(side), "-")
}

// LargestImage returns the pixel count of the largest image drawn on pdf's first page (0
// when none): a scanned or photographed page is one large image.
func (t Tools) LargestImage(ctx context.Context, pdf []byte) (int, error) {
	out, err := t.run(ctx, "pdfimages", pdf, "-list", "-f", "1", "-l", "1", "-")
	if err != nil {
		return 0, err
	}
	return largestListed(string(out)), nil
}

// largestListed reads pdfimages -list output: two header lines, then one row per image
// with its width and height in the fourth and fifth columns.
func largestListed(list string) int {
	largest := 0
	for i, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if i < 2 || len(f) < 5 {
			continue
		}
		w, werr := strconv.Atoi(f[3])
		h, herr := strconv.Atoi(f[4])
		if werr == nil && herr == nil && w > 0 && h > 0 && w*h > largest {
			largest = w * h
		}
	}
	return largest
}

// draw renders page 1 of pdf with mutool draw, in colorspace ("rgb", "gray"), at dpi or to
// fit a fit×fit box. mutool reads a file, not standard input: the page is written to a
// temporary file first.
func (t Tools) draw(ctx context.Context, pdf []byte, colorspace string, dpi, fit int) ([]byte, error) {
	f, err := os.CreateTemp("", "mirubato-page-*.pdf")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	args := []string{"draw", "-q", "-F", "png", "-c", colorspace, "-o", "-"}
	if fit > 0 {
		args = append(args, "-w", strconv.Itoa(fit), "-h", strconv.Itoa(fit))
	} else {
		args = append(args, "-r", strconv.Itoa(dpi))
	}
	out, err := t.run(ctx, "mutool", nil, append(args, f.Name(), "1")...)
	if err == nil && !bytes.HasPrefix(out, []byte("\x89PNG")) {
		// mutool reports a page it cannot draw on standard error and may still exit 0.
		return nil, fmt.Errorf("%w: mutool drew no image", ErrTool)
	}
	return out, err
}

// Text returns the text of pdf's pages, in reading order; pages are separated by form feeds.
func (t Tools) Text(ctx context.Context, pdf []byte) (string, error) {
	out, err := t.run(ctx, "pdftotext", pdf, "-enc", "UTF-8", "-", "-")
	if err != nil {
		return "", err
	}
	return strings.ToValidUTF8(string(out), ""), nil
}

func (t Tools) run(ctx context.Context, name string, in []byte, args ...string) ([]byte, error) {
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	maxOut := t.MaxOut
	if maxOut <= 0 {
		maxOut = 64 << 20
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if in != nil {
		cmd.Stdin = bytes.NewReader(in)
	}
	out := &limitedBuffer{max: maxOut}
	var stderr limitedBuffer
	stderr.max = 4 << 10
	cmd.Stdout, cmd.Stderr = out, &stderr
	err := cmd.Run()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, fmt.Errorf("%s is not installed (poppler-utils, mupdf-tools; ops/setup installs them): %w", name, err)
	case parent.Err() != nil:
		// The caller gave up (a job's deadline, a shutdown): not the file's fault.
		return nil, fmt.Errorf("%s stopped: %w", name, parent.Err())
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: %s took longer than %s", ErrTool, name, timeout)
	case out.overflow:
		return nil, fmt.Errorf("%w: %s wrote more than %d bytes", ErrTool, name, maxOut)
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %w: %s", ErrTool, name, err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}

// limitedBuffer keeps at most max bytes and notes when more came. Its buffer is a field,
// not embedded: an embedded bytes.Buffer's ReadFrom would be used by io.Copy (as exec.Cmd
// copies a process's output) and bypass the limit.
type limitedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.overflow = true
		return 0, errors.New("output limit reached")
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) Bytes() []byte  { return b.buf.Bytes() }
func (b *limitedBuffer) String() string { return b.buf.String() }
