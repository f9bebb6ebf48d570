package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/ocr"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// scanOf makes an image-only PDF of doc, as a scanner would: every page rendered to a
// 200 dpi image (upside down when flip), assembled into a PDF with no text layer.
func scanOf(t *testing.T, doc pdftest.Doc, flip bool) []byte {
	t.Helper()
	ctx := context.Background()
	src := pdftest.Build(doc)
	opened, err := pdf.Open(ctx, src, pdf.Limits{Timeout: 2 * time.Minute})
	require.NoError(t, err)
	var images [][]byte
	require.NoError(t, opened.Split(ctx, 1, func(_ int, page []byte) error {
		img, err := pdf.Tools{}.Render(ctx, page, 200, 0)
		if err != nil {
			return err
		}
		if flip {
			img = rotated180(t, img)
		}
		images = append(images, img)
		return nil
	}))
	// The assembly's own time limit, generous: a test run under -race on a busy machine is
	// slow, and this is the test's making of its input.
	lim := scoreLimits
	lim.Timeout = 2 * time.Minute
	out, err := pdf.FromImages(ctx, images, lim)
	require.NoError(t, err)
	return out
}

func rotated180(t *testing.T, data []byte) []byte {
	t.Helper()
	src, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	b := src.Bounds()
	dst := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(b.Max.X-1-(x-b.Min.X), b.Max.Y-1-(y-b.Min.Y), src.At(x, y))
		}
	}
	var out bytes.Buffer
	require.NoError(t, png.Encode(&out, dst))
	return out.Bytes()
}

type pagesBody struct {
	Pages []struct {
		N              int      `json:"n"`
		Text           *string  `json:"text"`
		TextSource     *string  `json:"text_source"`
		TextConfidence *float64 `json:"text_confidence"`
		TextNote       *string  `json:"text_note"`
		Image          string   `json:"image"`
	} `json:"pages"`
	Next *int `json:"next"`
}

// TestScannedScoreIsReadByOCR: a scan (pages that are images, no text layer; its first
// page upside down) gets its metadata from what Tesseract reads — title, composer, opus —
// with source ocr; its pages' text is stored with source and confidence, shown in the
// page data, and searched.
func TestScannedScoreIsReadByOCR(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	_, tok := b.user(t, "scan@example.com")
	scan := scanOf(t, pdftest.Doc{Pages: [][]string{
		{"Nocturne", "Frederic Chopin", "Op. 9 No. 2"},
		{"Andante", "Second page with the word Pleyel"},
	}}, true)
	sc := b.upload(t, tok, "scan 00.pdf", scan, nil)
	ready := b.waitScore(t, tok, sc.ID.String(), "ready")
	require.Equal(t, 2, ready.PageCount)
	require.Equal(t, "Nocturne", ready.Title)
	require.Equal(t, metadata.SourceOCR, ready.Extracted["title"].Source)
	require.Equal(t, "Frédéric Chopin", ready.Composer)
	require.Equal(t, "Op. 9 No. 2", ready.Opus)
	require.Empty(t, ready.Notes)

	resp, data := b.call(t, http.MethodGet, "/api/scores/"+sc.ID.String()+"/pages", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	var pages pagesBody
	require.NoError(t, json.Unmarshal(data, &pages))
	require.Len(t, pages.Pages, 2)
	for _, p := range pages.Pages {
		require.Equal(t, "ocr", *p.TextSource)
		require.Greater(t, *p.TextConfidence, 0.6, "page %d", p.N)
		require.NotEmpty(t, p.Image)
	}
	require.Contains(t, *pages.Pages[1].Text, "Pleyel")

	resp, data = b.call(t, http.MethodGet, "/api/search?q=pleyel", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Contains(t, string(data), sc.ID.String(), "a word only on the scan's second page is found")
}

// TestFailedOCRLeavesTheScoreReady: an OCR that fails (here: a time limit no page can meet)
// does not fail the score; it is ready, named after its file, and says which pages could
// not be read and why.
func TestFailedOCRLeavesTheScoreReady(t *testing.T) {
	t.Parallel()
	tess := ocr.Tesseract{Timeout: time.Millisecond}
	b := setup(t, setupOpts{ocr: &scores.OCR{Pages: tess, FirstPage: tess}})
	b.startWorkers(t)
	_, tok := b.user(t, "scanfail@example.com")
	scan := scanOf(t, pdftest.Doc{Pages: [][]string{{"Nocturne", "Frederic Chopin"}}}, false)
	sc := b.upload(t, tok, "old scan.pdf", scan, nil)
	ready := b.waitScore(t, tok, sc.ID.String(), "ready")
	require.Equal(t, "old scan", ready.Title)
	require.Len(t, ready.Notes, 1)
	require.Contains(t, ready.Notes[0], "page 1: the scanned page could not be read by OCR (it took too long)")

	resp, data := b.call(t, http.MethodGet, "/api/scores/"+sc.ID.String()+"/pages?from=1", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	var pages pagesBody
	require.NoError(t, json.Unmarshal(data, &pages))
	require.Len(t, pages.Pages, 1)
	require.Equal(t, "pdf", *pages.Pages[0].TextSource)
	require.Contains(t, *pages.Pages[0].TextNote, "could not be read by OCR")

	resp, data = b.call(t, http.MethodGet, "/api/scores/"+sc.ID.String()+"/pages?from=x", tok, nil, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	require.True(t, strings.Contains(string(data), "from"), string(data))
}

// TestOutlinedTitlePageIsReadByOCR: a first page whose words are drawn as outlines (no
// text layer, no image: some publishers' files) is read by OCR from its drawing.
func TestOutlinedTitlePageIsReadByOCR(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	_, tok := b.user(t, "outlines@example.com")
	src := pdftest.Build(pdftest.Doc{Pages: [][]string{{"Arabesque", "Claude Debussy"}}})
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in.pdf"), src, 0o600))
	out, err := exec.Command("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-dNoOutputFonts",
		"-o", filepath.Join(dir, "out.pdf"), filepath.Join(dir, "in.pdf")).CombinedOutput()
	require.NoError(t, err, string(out))
	outlined, err := os.ReadFile(filepath.Join(dir, "out.pdf"))
	require.NoError(t, err)
	text, err := pdf.Tools{}.Text(context.Background(), outlined)
	require.NoError(t, err)
	require.Empty(t, strings.TrimSpace(text), "no text layer left")

	sc := b.upload(t, tok, "file.pdf", outlined, nil)
	ready := b.waitScore(t, tok, sc.ID.String(), "ready")
	require.Equal(t, "Arabesque", ready.Title)
	require.Equal(t, "Claude Debussy", ready.Composer)
	require.Equal(t, metadata.SourceOCR, ready.Extracted["composer"].Source)
}

// uploadEngraved uploads a score of internal/engraving's test pages and waits for it.
func uploadEngraved(t *testing.T, email, file string) scoreBody {
	t.Helper()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	_, tok := b.user(t, email)
	data, err := os.ReadFile(filepath.Join("..", "internal", "engraving", "testdata", file))
	require.NoError(t, err)
	sc := b.upload(t, tok, file, data, nil)
	return b.waitScore(t, tok, sc.ID.String(), "ready")
}

// requireFromMusic checks fields read from the music.
func requireFromMusic(t *testing.T, sc scoreBody, want map[string]string) {
	t.Helper()
	for field, value := range want {
		got := sc.Extracted[field]
		require.Equal(t, value, got.Value, field)
		require.Equal(t, metadata.SourceMusic, got.Source, field)
	}
}

// TestEngravedMusicIsRead: an engraved score whose title page prints neither key nor
// instruments (four bracketed staves in treble, treble, alto and bass clefs, three sharps,
// opening on the tonic) gets its instrumentation, key and key signature from the music.
func TestEngravedMusicIsRead(t *testing.T) {
	t.Parallel()
	ready := uploadEngraved(t, "music@example.com", "quartet-plain.pdf")
	require.Equal(t, "Quartet", ready.Title)
	requireFromMusic(t, ready, map[string]string{"instrumentation": "string quartet", "key": "A major", "key_signature": "3 sharps"})
}

// TestKeyFromTheEnding: a two-page score whose first system opens off the tonic (on the
// subdominant) and whose text prints no key gets its key from the last page's final bass
// note, source music.
func TestKeyFromTheEnding(t *testing.T) {
	t.Parallel()
	ready := uploadEngraved(t, "ending@example.com", "ending-long-b-minor.pdf")
	require.Equal(t, 2, ready.PageCount)
	requireFromMusic(t, ready, map[string]string{"key": "B minor", "key_signature": "2 sharps"})
}
