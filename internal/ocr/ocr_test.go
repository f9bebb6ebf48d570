package ocr

import (
	"bytes"
	"context"
	"errors"
	stdimage "image"
	"image/png"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

// page renders lines of text as a greyscale page image at 300 dpi with pdftoppm, from a
// minimal PDF: what the pipeline hands Tesseract for a scanned page.
func page(t *testing.T, lines ...string) *stdimage.Gray {
	t.Helper()
	var content strings.Builder
	content.WriteString("BT /F1 24 Tf 72 740 Td 34 TL\n")
	for _, l := range lines {
		content.WriteString("(" + l + ") Tj T*\n")
	}
	content.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length " + strconv.Itoa(content.Len()) + " >>\nstream\n" + content.String() + "\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
	}
	cmd := exec.Command("pdftoppm", "-png", "-gray", "-r", "300", "-singlefile", "-")
	cmd.Stdin = bytes.NewReader(pdftest.Write(objs, 1, 0))
	out, err := cmd.Output()
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(out))
	require.NoError(t, err)
	return toGray(img)
}

func pngOf(t *testing.T, img stdimage.Image) []byte {
	t.Helper()
	out, err := encode(img)
	require.NoError(t, err)
	return out
}

var titlePage = []string{"Trois Nocturnes", "pour le Piano", "Frederic Chopin", "Op. 9 No. 2"}

// TestReadsEveryOrientation: a title page is read upright, and when it was photographed
// sideways either way or upside down.
func TestReadsEveryOrientation(t *testing.T) {
	t.Parallel()
	upright := page(t, titlePage...)
	tess := Tesseract{Languages: []string{"eng", "fra"}, Timeout: time.Minute}
	for _, turn := range []int{0, 90, 180, 270} {
		img := upright
		if turn != 0 {
			img = rotate(upright, turn)
		}
		got, err := tess.Read(context.Background(), pngOf(t, img))
		require.NoError(t, err, "turned %d", turn)
		for _, want := range []string{"Trois Nocturnes", "Chopin", "Op. 9 No. 2"} {
			require.Contains(t, got.Text, want, "turned %d", turn)
		}
		require.Greater(t, got.Confidence, 0.8, "turned %d", turn)
		require.GreaterOrEqual(t, got.Words, 9)
	}
}

// TestRotateAndHalve: the image operations the orientation fix uses.
func TestRotateAndHalve(t *testing.T) {
	t.Parallel()
	src := stdimage.NewGray(stdimage.Rect(0, 0, 3, 2)) // a b c / d e f
	copy(src.Pix, []byte{1, 2, 3, 4, 5, 6})
	require.Equal(t, []byte{4, 1, 5, 2, 6, 3}, rotate(src, 90).Pix)
	require.Equal(t, []byte{6, 5, 4, 3, 2, 1}, rotate(src, 180).Pix)
	require.Equal(t, []byte{3, 6, 2, 5, 1, 4}, rotate(src, 270).Pix)
	require.Equal(t, stdimage.Rect(0, 0, 2, 3), rotate(src, 270).Bounds())
	sq := stdimage.NewGray(stdimage.Rect(0, 0, 4, 2))
	copy(sq.Pix, []byte{0, 100, 200, 200, 100, 200, 200, 200})
	require.Equal(t, []byte{100, 200}, halve(sq).Pix)
}

// TestParseKeepsConfidentWords: words under the floor and words with no letter or digit
// (staves read as punctuation) are left out; lines are kept; the confidence is the mean
// weighted by length.
func TestParseKeepsConfidentWords(t *testing.T) {
	t.Parallel()
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tSonate\n" +
		"5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t10\tzq\n" +
		"5\t1\t1\t1\t1\t3\t0\t0\t1\t1\t80\tNo.\n" +
		"5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t95\t|=|\n" +
		"5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t70\tKlavier\n" +
		"4\t1\t2\t1\t1\t0\t0\t0\t1\t1\t-1\t\n"
	tsv += "5\t1\t3\t1\t1\t1\t0\t0\t1\t1\t96\tOp.\n" + // a catalogue number, read with confidence
		"5\t1\t3\t1\t1\t2\t0\t0\t1\t1\t96\t740\n" +
		"5\t1\t4\t1\t1\t1\t0\t0\t1\t1\t66\tA\n" + // notes and stems read as letters
		"5\t1\t4\t1\t1\t2\t0\t0\t1\t1\t66\t[DE\n" +
		"5\t1\t5\t1\t1\t1\t0\t0\t1\t1\t89\t4\n"
	p := Tesseract{}.parse([]byte(tsv))
	require.Equal(t, "Sonate No.\nKlavier\nOp. 740", p.Text)
	require.Equal(t, 5, p.Words)
	require.InDelta(t, (90*6+80*3+70*7+96*3+96*3)/22.0/100, p.Confidence, 1e-9)
}

// TestLimits: a page that takes longer than the time limit, or more memory than allowed,
// is an ErrOCR (the page's fault); tesseract missing is ErrNotInstalled (the machine's).
func TestLimits(t *testing.T) {
	t.Parallel()
	img := pngOf(t, page(t, titlePage...))
	_, err := Tesseract{Timeout: time.Millisecond}.Read(context.Background(), img)
	require.ErrorIs(t, err, ErrOCR)
	require.Contains(t, err.Error(), "took longer than")
	require.ErrorIs(t, err, ErrTimeout)
	_, err = Tesseract{MaxMemory: 64 << 20, Timeout: time.Minute}.Read(context.Background(), img)
	require.ErrorIs(t, err, ErrOCR)
	require.ErrorIs(t, err, ErrMemory)
	_, err = Tesseract{Languages: []string{"xxx"}, Timeout: time.Minute}.Read(context.Background(), img)
	require.ErrorIs(t, err, ErrNotInstalled)
	_, err = Tesseract{}.Read(context.Background(), []byte("not a png"))
	require.True(t, errors.Is(err, ErrOCR))
}

func TestWordLetters(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0, WordLetters("  12 \x01 f p \ue050\ue050 8 "), "dynamics, digits and music-font glyphs")
	require.Equal(t, 2, WordLetters("f p mf"))
	require.Equal(t, 10, WordLetters("Nocturne, Op. 9"))
}

// TestTitleAreaFirst: with TitleArea, the top of the page is read on its own and its lines
// come first, each once; the rest of the page follows.
func TestTitleAreaFirst(t *testing.T) {
	t.Parallel()
	img := page(t, "Trois Nocturnes", "Frederic Chopin", "", "", "", "", "", "", "", "", "", "", "", "",
		"", "", "Paris, chez Maurice Schlesinger")
	tess := Tesseract{Languages: []string{"eng"}, Timeout: time.Minute, TitleArea: true}
	got, err := tess.Read(context.Background(), pngOf(t, img))
	require.NoError(t, err)
	require.Equal(t, "Trois Nocturnes\nFrederic Chopin\nParis, chez Maurice Schlesinger", got.Text)
	require.Equal(t, 8, got.Words)
}

// TestSurenessPrefersConfidentLetters: a page read upside down gives many letters with
// little confidence; the right way up gives fewer, surely read. The right way wins (it lost
// when letters counted in proportion to the mean confidence).
func TestSurenessPrefersConfidentLetters(t *testing.T) {
	t.Parallel()
	row := func(block, word int, conf float64, text string) string {
		return "5\t1\t" + strconv.Itoa(block) + "\t1\t1\t" + strconv.Itoa(word) + "\t0\t0\t1\t1\t" + strconv.FormatFloat(conf, 'f', 1, 64) + "\t" + text + "\n"
	}
	upright := Tesseract{}.parse([]byte(row(1, 1, 95, "Andante") + row(2, 1, 94, "Mozart")))
	upsideDown := Tesseract{}.parse([]byte(row(1, 1, 62, "UDHO") + row(1, 2, 60, "UBY4IS,JapoY") + row(1, 3, 61, "Jap") +
		row(1, 4, 63, "Yang") + row(2, 1, 58, "LYVZOW") + row(2, 2, 60, "Snaavwv") + row(2, 3, 59, "ONV9410M")))
	require.Greater(t, upsideDown.Confidence*float64(WordLetters(upsideDown.Text)), upright.Confidence*float64(WordLetters(upright.Text)),
		"the old weighing chose the page upside down")
	require.Greater(t, upright.sureness(), upsideDown.sureness())
}

// TestWellRead: a reading whose words are surely read needs no second look; one of letters
// read with little confidence (a page upside down) does.
func TestWellRead(t *testing.T) {
	t.Parallel()
	row := func(block int, conf float64, text string) string {
		return "5\t1\t" + strconv.Itoa(block) + "\t1\t1\t1\t0\t0\t1\t1\t" + strconv.FormatFloat(conf, 'f', 1, 64) + "\t" + text + "\n"
	}
	require.True(t, Tesseract{}.parse([]byte(row(1, 95, "Allegro")+row(2, 91, "Piano"))).wellRead())
	require.True(t, Tesseract{}.parse(nil).wellRead(), "nothing read: nothing to gain by turning")
	require.False(t, Tesseract{}.parse([]byte(row(1, 62, "uldouy")+row(2, 58, "LYVZOW"))).wellRead())
}
