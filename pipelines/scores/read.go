package scores

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/ocr"
	"github.com/mirubato/mirubato/internal/store"
)

// MusicReader reads the first system of an engraved page (internal/engraving): nil when
// the page has no staves it can read.
type MusicReader interface {
	Read(ctx context.Context, page []byte) (*metadata.Music, error)
	// EndingKey calls the key from the end of the music on the score's last page, given
	// what the first system said: "" when no call (another signature there, an ending off
	// the tonic).
	EndingKey(ctx context.Context, page []byte, opening *metadata.Music) (string, float64, error)
}

// OCR is how the text step reads scanned pages: Tesseract with the languages of every
// page, and the longer list of the first page (its title, composer and dedication are what
// the metadata is read from).
type OCR struct {
	Pages     ocr.Tesseract
	FirstPage ocr.Tesseract
}

// NewOCR returns the OCR of the text step: Tesseract with langs on every page and
// firstPageLangs on page 1, where the title area is read on its own first, each page
// within timeout and maxMemory bytes.
func NewOCR(langs, firstPageLangs []string, timeout time.Duration, maxMemory int64) *OCR {
	return &OCR{
		Pages:     ocr.Tesseract{Languages: langs, Timeout: timeout, MaxMemory: maxMemory},
		FirstPage: ocr.Tesseract{Languages: firstPageLangs, Timeout: timeout, MaxMemory: maxMemory, TitleArea: true},
	}
}

const (
	// minWordLetters: a page whose text layer has fewer letters in words than this is
	// read by OCR when it is a scan (a blank or damaged layer, or none at all). Pages of
	// engraved music with only a tempo word and dynamics stay as they are: they have no
	// page-sized image.
	minWordLetters = 40
	// minScanPixels: the largest image on a page this large (e.g. 600×500) makes it a scan
	// or a photo; publishers' logos and small figures are smaller.
	minScanPixels = 300_000
	// minOutlinedLetters: a first page with fewer letters than this in its text layer and
	// no scan on it is read by OCR too (text drawn as outlines).
	minOutlinedLetters = 5
	// ocrSide: the longer side of the image OCR reads, about 300 dpi on Letter or A4.
	ocrSide = 3400
)

// readText returns page n's text: its text layer, or for a scanned page without usable
// text, what OCR reads in its image. An OCR that fails leaves the text layer (often empty)
// with a note saying why; only a tool that failed on the file (pdftotext) is an error.
func (d *Deps) readText(ctx context.Context, n int, page []byte) (store.PageText, error) {
	text, err := d.Tools.Text(ctx, page)
	if err != nil {
		return store.PageText{}, pageError(n, "read for text", err)
	}
	t := store.PageText{Text: cleanText(text), Source: store.PageTextPDF}
	letters := ocr.WordLetters(t.Text)
	if d.OCR == nil || letters >= minWordLetters {
		return t, nil
	}
	pixels, err := d.Tools.LargestImage(ctx, page)
	switch {
	case err == nil && pixels >= minScanPixels:
		// A scan or a photo.
	case n == 1 && letters < minOutlinedLetters:
		// A first page with no text at all: its words may be drawn as outlines (some
		// publishers' files), which OCR reads from the drawing.
	default:
		return t, nil
	}
	tess := d.OCR.Pages
	if n == 1 {
		tess = d.OCR.FirstPage
	}
	read, err := d.ocrPage(ctx, tess, page)
	switch {
	case errors.Is(err, ocr.ErrNotInstalled):
		// The machine's fault, not the file's: retried, and reported by /health.
		return store.PageText{}, err
	case err != nil && ctx.Err() != nil:
		return store.PageText{}, err
	case err != nil:
		d.Logger.Warn("ocr failed on a page", "page", n, "error", err)
		t.Note = "the scanned page could not be read by OCR (" + ocrReason(err) + "); its text is not searchable"
		return t, nil
	}
	if ocr.WordLetters(read.Text) <= letters {
		return t, nil // the text layer says more
	}
	conf := read.Confidence
	return store.PageText{Text: cleanText(read.Text), Source: store.PageTextOCR, Confidence: &conf}, nil
}

func (d *Deps) ocrPage(ctx context.Context, tess ocr.Tesseract, page []byte) (ocr.Page, error) {
	img, err := d.Tools.RenderForOCR(ctx, page, ocrSide)
	if err != nil {
		return ocr.Page{}, fmt.Errorf("%w: rendering for OCR: %w", ocr.ErrOCR, err)
	}
	return tess.Read(ctx, img)
}

// ocrReason says in words why OCR failed.
func ocrReason(err error) string {
	switch {
	case errors.Is(err, ocr.ErrTimeout):
		return "it took too long"
	case errors.Is(err, ocr.ErrMemory):
		return "it needed too much memory"
	default:
		return "the image could not be read"
	}
}

func cleanText(text string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\x00", ""))
	if len(text) > maxPageText {
		text = strings.ToValidUTF8(text[:maxPageText], "")
	}
	return text
}

// ocrTimeout is the longest one page's OCR may take: the render and Tesseract's run.
func (d *Deps) ocrTimeout() time.Duration {
	if d.OCR == nil {
		return 0
	}
	t := d.OCR.FirstPage.Timeout
	if t <= 0 {
		t = time.Minute
	}
	// pdfimages, pdftoppm and tesseract
	return 2*d.toolTimeout() + t
}

// metadataInput gathers what the metadata providers read: the first page's text (and
// where it came from), the music of the first system (page 1, or page 2 when page 1 is a
// title page), with the key called from the last page's ending when the opening does
// not call it, and page 1's image for a provider that looks at it when the text says
// little (metadata.OpenAI's WantsImage).
func (d *Deps) metadataInput(ctx context.Context, s *store.Score) (metadata.Input, error) {
	in := metadata.Input{Filename: s.Filename, Info: s.PDFInfo, Pages: s.PageCount, FirstPageSource: metadata.SourcePageText}
	pages, err := store.ScorePages(ctx, d.Pool, s.ID, 1, 2)
	if err != nil {
		return in, err
	}
	if len(pages) == 0 {
		return in, nil
	}
	first := pages[0]
	if first.Text != nil {
		in.FirstPageText = *first.Text
	}
	if first.TextSource != nil && *first.TextSource == store.PageTextOCR {
		in.FirstPageSource = metadata.SourceOCR
		if first.TextConfidence != nil {
			in.FirstPageConfidence = *first.TextConfidence
		}
	}
	if d.Music != nil && in.FirstPageSource != metadata.SourceOCR {
		for _, p := range pages {
			m, err := d.readMusic(ctx, s.ID, p)
			if err != nil {
				return in, err
			}
			if m != nil {
				in.Music = m
				break
			}
		}
		if in.Music != nil && in.Music.Key == "" && in.Music.KeySignatureRead {
			if err := d.endingKey(ctx, s, in.Music); err != nil {
				return in, err
			}
		}
	}
	if looker, ok := d.Metadata.(interface{ WantsImage(metadata.Input) bool }); ok && looker.WantsImage(in) {
		data, err := blob.Get(ctx, d.Blobs, first.PDFKey, 0)
		if err != nil {
			return in, err
		}
		// For a provider that looks at the page; a page that cannot be rendered has none.
		if img, err := d.Tools.Render(ctx, data, 0, metadata.MaxImageSide); err == nil {
			in.FirstPageImage = img
		}
	}
	return in, nil
}

// endingKey calls the key from the last page's ending when the opening made no call
// (most pieces do not open on their tonic chord, but end on it); the last page is page 1
// of a one-page score. A page the reader cannot make sense of makes no call.
func (d *Deps) endingKey(ctx context.Context, s *store.Score, m *metadata.Music) error {
	pages, err := store.ScorePages(ctx, d.Pool, s.ID, s.PageCount, s.PageCount)
	if err != nil || len(pages) == 0 {
		return err
	}
	p := pages[0]
	data, err := blob.Get(ctx, d.Blobs, p.PDFKey, 0)
	if err != nil {
		return err
	}
	key, conf, err := d.Music.EndingKey(ctx, data, m)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		d.Logger.Warn("reading the ending of a score failed", "score_id", s.ID, "page", p.N, "error", err)
		return nil
	}
	m.Key, m.KeyConfidence = key, conf
	return nil
}

// readMusic reads the first system of page p; a page the reader cannot make sense of has
// none (the text still speaks for the score).
func (d *Deps) readMusic(ctx context.Context, scoreID uuid.UUID, p store.ScorePage) (*metadata.Music, error) {
	data, err := blob.Get(ctx, d.Blobs, p.PDFKey, 0)
	if err != nil {
		return nil, err
	}
	m, err := d.Music.Read(ctx, data)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		d.Logger.Warn("reading the music of a page failed", "score_id", scoreID, "page", p.N, "error", err)
		return nil, nil //nolint:nilnil // none read
	}
	return m, nil
}
