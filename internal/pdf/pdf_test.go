package pdf_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

var update = flag.Bool("update", false, "rewrite the malformed-file corpus in testdata/malformed")

var limits = pdf.Limits{MaxBytes: 1 << 20, MaxPages: 100, Timeout: 10 * time.Second}

// Corpus is the malformed files every intake path must refuse, with the reason a person
// reads. The files are in testdata/malformed (the API's tests send them too); -update
// writes them again from these recipes.
var corpus = map[string]struct {
	make   func(t *testing.T) []byte
	reason string
}{
	"empty.pdf":           {func(*testing.T) []byte { return nil }, "the file is empty"},
	"wrong-magic.pdf":     {func(*testing.T) []byte { return []byte("<html><body>not a score</body></html>\n") }, "not a PDF file"},
	"truncated.pdf":       {truncated, "damaged"},
	"corrupted-xref.pdf":  {corruptedXref, "damaged"},
	"encrypted.pdf":       {encrypted, "password-protected"},
	"huge-page-count.pdf": {hugePageCount, "the PDF has 2000000000 pages; the limit is 100"},
	"zero-pages.pdf":      {zeroPages, "the PDF has no pages"},
}

func valid() []byte {
	return pdftest.Build(pdftest.Doc{Pages: [][]string{{"Sonata"}, {"page two"}, {"page three"}}})
}

func truncated(*testing.T) []byte { v := valid(); return v[:len(v)/2] }

// corruptedXref: offsets and startxref point into nowhere and the objects are damaged, so
// no repair by scanning can find a page tree.
func corruptedXref(*testing.T) []byte {
	v := string(valid())
	i := strings.Index(v, "xref\n")
	body := strings.ReplaceAll(v[:i], " obj", " obx")
	return []byte(body + "xref\n0 3\n0000000000 65535 f \n9999999999 00000 n \n0000000abc 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n99999999\n%%EOF\n")
}

func encrypted(t *testing.T) []byte {
	conf := model.NewAESConfiguration("user-secret", "owner-secret", 256)
	var out bytes.Buffer
	require.NoError(t, api.Encrypt(bytes.NewReader(valid()), &out, conf))
	return out.Bytes()
}

func hugePageCount(*testing.T) []byte {
	return bytes.Replace(valid(), []byte("/Count 3"), []byte("/Count 2000000000"), 1)
}

func zeroPages(*testing.T) []byte {
	v := valid()
	v = bytes.Replace(v, []byte("/Count 3"), []byte("/Count 0"), 1)
	// Kids emptied with the same length, so the cross-reference offsets stay right.
	i := bytes.Index(v, []byte("/Kids ["))
	j := bytes.IndexByte(v[i:], ']') + i
	for k := i + len("/Kids ["); k < j; k++ {
		v[k] = ' '
	}
	return v
}

func TestMalformedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "malformed")
	if *update {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for name, c := range corpus {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), c.make(t), 0o644))
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, len(corpus), "every file in %s has a recipe here, and every recipe a file", dir)
	for name, c := range corpus {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			doc, err := pdf.Open(context.Background(), data, limits)
			require.Nil(t, doc)
			var refused *pdf.Refused
			require.ErrorAs(t, err, &refused)
			require.Contains(t, refused.Reason, c.reason)
		})
	}
}

func TestOpenValid(t *testing.T) {
	data := pdftest.Build(pdftest.Doc{
		Pages: [][]string{{"Nocturne"}, {"two"}},
		Info: map[string]string{"Title": "Nocturne in E-flat major", "Composer": "Frédéric Chopin",
			"Subtitle": "Op. 9 No. 2", "Author": "F. Chopin"},
	})
	doc, err := pdf.Open(context.Background(), data, limits)
	require.NoError(t, err)
	require.Equal(t, 2, doc.Pages)
	require.Equal(t, map[string]string{"Title": "Nocturne in E-flat major", "Composer": "Frédéric Chopin",
		"Subtitle": "Op. 9 No. 2", "Author": "F. Chopin"}, doc.Info, "standard and engraver-specific keys, in UTF-16")

	page, err := doc.Page(2)
	require.NoError(t, err)
	one, err := pdf.Open(context.Background(), page, limits)
	require.NoError(t, err)
	require.Equal(t, 1, one.Pages)

	tools := pdf.Tools{Timeout: 20 * time.Second}
	text, err := tools.Text(context.Background(), page)
	require.NoError(t, err)
	require.Equal(t, "two", strings.TrimSpace(text), "page 2 holds page 2's text")

	png, err := tools.Render(context.Background(), page, 50, 0)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")))
	thumb, err := tools.Render(context.Background(), page, 0, 64)
	require.NoError(t, err)
	require.Less(t, len(thumb), len(png)+1)
}

func TestLimits(t *testing.T) {
	data := valid()
	_, err := pdf.Open(context.Background(), data, pdf.Limits{MaxBytes: int64(len(data) - 1)})
	var refused *pdf.Refused
	require.ErrorAs(t, err, &refused)
	require.Contains(t, refused.Reason, "the limit is")

	_, err = pdf.Open(context.Background(), data, pdf.Limits{MaxPages: 2})
	require.ErrorAs(t, err, &refused)
	require.Equal(t, "the PDF has 3 pages; the limit is 2", refused.Reason)

	// A time limit too short for any parse: a refusal with a reason, not a hang.
	_, err = pdf.Open(context.Background(), bytes.Repeat(data, 1), pdf.Limits{Timeout: time.Nanosecond})
	require.ErrorAs(t, err, &refused)
	require.Contains(t, refused.Reason, "could not be read within")
}

func TestToolsTimeoutAndBadInput(t *testing.T) {
	_, err := pdf.Tools{}.Text(context.Background(), []byte("not a pdf"))
	require.True(t, errors.Is(err, pdf.ErrTool), "%v", err)
	big := pdftest.Build(pdftest.Doc{Pages: [][]string{{"x"}}})
	_, err = pdf.Tools{Timeout: time.Nanosecond}.Render(context.Background(), big, 300, 0)
	require.ErrorIs(t, err, pdf.ErrTool)
	// Output over MaxOut is refused, for every tool (the limit used to be bypassed by the
	// buffer's own ReadFrom).
	for name, tool := range map[string]func(pdf.Tools) error{
		"pdftotext": func(t pdf.Tools) error { _, err := t.Text(context.Background(), big); return err },
		"mutool":    func(t pdf.Tools) error { _, err := t.Render(context.Background(), big, 100, 0); return err },
		"pdftoppm": func(t pdf.Tools) error {
			t.Renderer = pdf.RendererPoppler
			_, err := t.Render(context.Background(), big, 100, 0)
			return err
		},
	} {
		err := tool(pdf.Tools{MaxOut: 2})
		require.ErrorIs(t, err, pdf.ErrTool, name)
		require.Contains(t, err.Error(), "wrote more than 2 bytes", name)
	}
}

var errBadPage = errors.New("a page as written is not accepted")

// FuzzOpen: whatever the bytes, Open returns a document or a refusal, never panics, and a
// document it returns has pages within the limits that can be extracted.
func FuzzOpen(f *testing.F) {
	f.Add(valid())
	f.Add(encrypt(f, valid(), model.NewAESConfiguration("", "owner-secret", 256))) // an owner password only: accepted
	entries, _ := os.ReadDir(filepath.Join("testdata", "malformed"))
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "malformed", e.Name()))
		if err == nil {
			f.Add(data)
		}
	}
	lim := pdf.Limits{MaxBytes: 1 << 20, MaxPages: 20, Timeout: 2 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := pdf.Open(context.Background(), data, lim)
		if err != nil {
			var refused *pdf.Refused
			if !errors.As(err, &refused) || refused.Reason == "" {
				t.Fatalf("not a refusal with a reason: %v", err)
			}
			return
		}
		if doc.Pages < 1 || doc.Pages > lim.MaxPages {
			t.Fatalf("accepted %d pages", doc.Pages)
		}
		// Every page the split writes is a PDF of one page that we accept again.
		err = doc.Split(context.Background(), 2, func(n int, page []byte) error {
			one, err := pdf.Open(context.Background(), page, lim)
			if err != nil {
				return fmt.Errorf("%w: page %d: %v", errBadPage, n, err) //nolint:errorlint // not the page's refusal
			}
			if one.Pages != 1 {
				return fmt.Errorf("%w: page %d has %d pages", errBadPage, n, one.Pages)
			}
			return nil
		})
		var refused *pdf.Refused
		if err != nil && (errors.Is(err, errBadPage) || !errors.As(err, &refused)) {
			t.Fatalf("split of an accepted PDF: %v", err)
		}
	})
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := range w {
		img.SetGray(x, h/2, color.Gray{Y: 0})
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func jpegImage(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h)), nil))
	return buf.Bytes()
}

func TestFromImages(t *testing.T) {
	ctx := context.Background()
	data, err := pdf.FromImages(ctx, [][]byte{pngImage(t, 200, 280), jpegImage(t, 120, 160), pngImage(t, 50, 50)}, limits)
	require.NoError(t, err)
	doc, err := pdf.Open(ctx, data, limits)
	require.NoError(t, err)
	require.Equal(t, 3, doc.Pages, "a page per image, in order")

	var refused *pdf.Refused
	_, err = pdf.FromImages(ctx, nil, limits)
	require.ErrorAs(t, err, &refused)
	_, err = pdf.FromImages(ctx, [][]byte{pngImage(t, 10, 10), []byte("GIF89a....")}, limits)
	require.ErrorAs(t, err, &refused)
	require.Equal(t, "image 2 is not a PNG or JPEG file", refused.Reason)
	truncated := pngImage(t, 10, 10)[:20]
	_, err = pdf.FromImages(ctx, [][]byte{truncated}, limits)
	require.ErrorAs(t, err, &refused)
	require.Equal(t, "image 1 is damaged and could not be read", refused.Reason)

	// A PNG header that claims 100,000 × 100,000 pixels is refused before decoding.
	bomb := pngImage(t, 1, 1)
	binary.BigEndian.PutUint32(bomb[16:], 100_000)
	binary.BigEndian.PutUint32(bomb[20:], 100_000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29])) // the IHDR chunk's checksum
	_, err = pdf.FromImages(ctx, [][]byte{bomb}, limits)
	require.ErrorAs(t, err, &refused)
	require.Contains(t, refused.Reason, "the limit is 100 megapixels")

	many := make([][]byte, limits.MaxPages+1)
	for i := range many {
		many[i] = pngImage(t, 2, 2)
	}
	_, err = pdf.FromImages(ctx, many, limits)
	require.ErrorAs(t, err, &refused)
	require.Contains(t, refused.Reason, "the limit is 100")
}

// TestSplit: every page, written in parallel, is a valid PDF of one page with that page's
// text, also when the pages inherit their resources and size from the page tree.
func TestSplit(t *testing.T) {
	for _, inherit := range []bool{false, true} {
		pages := make([][]string, 12)
		for i := range pages {
			pages[i] = []string{fmt.Sprintf("page %d of twelve", i+1)}
		}
		data := pdftest.Build(pdftest.Doc{Pages: pages, Inherit: inherit})
		doc, err := pdf.Open(context.Background(), data, limits)
		require.NoError(t, err)
		require.Equal(t, 12, doc.Pages)
		var mu sync.Mutex
		got := map[int][]byte{}
		require.NoError(t, doc.Split(context.Background(), 3, func(n int, page []byte) error {
			mu.Lock()
			defer mu.Unlock()
			require.NotContains(t, got, n, "each page once")
			got[n] = page
			return nil
		}))
		require.Len(t, got, 12)
		tools := pdf.Tools{Timeout: 20 * time.Second}
		for n, page := range got {
			one, err := pdf.Open(context.Background(), page, limits)
			require.NoError(t, err, "page %d (inherit %v)", n, inherit)
			require.Equal(t, 1, one.Pages)
			text, err := tools.Text(context.Background(), page)
			require.NoError(t, err)
			require.Equal(t, fmt.Sprintf("page %d of twelve", n), strings.TrimSpace(text), "inherit %v", inherit)
		}
	}
	// An emit error stops the split and is returned.
	doc, err := pdf.Open(context.Background(), pdftest.Build(pdftest.Doc{Pages: make([][]string, 30)}), limits)
	require.NoError(t, err)
	boom := errors.New("disk full")
	require.ErrorIs(t, doc.Split(context.Background(), 2, func(n int, _ []byte) error {
		if n == 5 {
			return boom
		}
		return nil
	}), boom)
}

func TestPageSize(t *testing.T) {
	for _, inherit := range []bool{false, true} {
		doc, err := pdf.Open(context.Background(), pdftest.Build(pdftest.Doc{Pages: [][]string{{"a"}}, Inherit: inherit}), limits)
		require.NoError(t, err)
		w, h, ok := doc.PageSize(1)
		require.True(t, ok)
		require.Equal(t, []float64{612, 792}, []float64{w, h})
	}
	huge := bytes.Replace(pdftest.Build(pdftest.Doc{Pages: [][]string{{"a"}}}), []byte("[0 0 612 792]"), []byte("[0 0 99999 7920]"), 1)
	doc, err := pdf.Open(context.Background(), huge, limits)
	require.NoError(t, err)
	w, h, ok := doc.PageSize(1)
	require.True(t, ok)
	require.Equal(t, []float64{99999, 7920}, []float64{w, h})
}

func TestToolsCallerCancelIsNotTheFilesFault(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pdf.Tools{Timeout: time.Minute}.Render(ctx, pdftest.Build(pdftest.Doc{}), 50, 0)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, pdf.ErrTool)
}

func TestImageMemoryLimit(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewNRGBA64(image.Rect(0, 0, 1, 1))))
	img := buf.Bytes()
	binary.BigEndian.PutUint32(img[16:], 9000) // 9,000 × 9,000 16-bit RGBA: 81 MP, 648 MB decoded
	binary.BigEndian.PutUint32(img[20:], 9000)
	binary.BigEndian.PutUint32(img[29:], crc32.ChecksumIEEE(img[12:29]))
	_, err := pdf.FromImages(context.Background(), [][]byte{img}, limits)
	var refused *pdf.Refused
	require.ErrorAs(t, err, &refused)
	require.Contains(t, refused.Reason, "of memory once decoded")
}

// TestLibraryPanicsAreRefusals: files that make pdfcpu panic (found by mutating valid
// files) are refused like damaged ones, with the panic and its stack kept for the log.
func TestLibraryPanicsAreRefusals(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "panics"))
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "panics", e.Name()))
		require.NoError(t, err)
		_, err = pdf.Open(context.Background(), data, limits)
		var refused *pdf.Refused
		require.ErrorAs(t, err, &refused, e.Name())
		require.Contains(t, refused.Reason, "damaged")
		var p *pdf.Panic
		require.ErrorAs(t, err, &p, e.Name())
		require.Contains(t, string(p.Stack), "pdfcpu")
	}
}

// encrypt returns src encrypted by pdfcpu as conf says, with every permission withheld.
func encrypt(t testing.TB, src []byte, conf *model.Configuration) []byte {
	t.Helper()
	conf.Permissions = model.PermissionsNone
	var out bytes.Buffer
	require.NoError(t, api.Encrypt(bytes.NewReader(src), &out, conf))
	return out.Bytes()
}

// qpdfEncrypt returns src encrypted by qpdf with its arguments (the --encrypt options).
func qpdfEncrypt(t *testing.T, src []byte, args ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	require.NoError(t, os.WriteFile(in, src, 0o600))
	cmd := exec.Command("qpdf", append(args, "--", in, out)...) //nolint:gosec // the test's own arguments
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "qpdf (ops/setup installs it): %s", msg)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data
}

// TestOwnerPasswordOnly: a PDF protected by an owner password only (it opens without a
// password; printing, copying and changes are forbidden) is accepted whatever its cipher,
// and every page split from it is a plain, unencrypted PDF that poppler reads and renders.
func TestOwnerPasswordOnly(t *testing.T) {
	src := pdftest.Build(pdftest.Doc{Pages: [][]string{{"Etude (Op. 10)"}, {"page two"}, {"page three"}},
		Info: map[string]string{"Title": "Étude in E major", "Composer": "Frédéric Chopin"}})
	files := map[string][]byte{
		"pdfcpu RC4-128": encrypt(t, src, model.NewRC4Configuration("", "owner-secret", 128)),
		"pdfcpu AES-128": encrypt(t, src, model.NewAESConfiguration("", "owner-secret", 128)),
		"pdfcpu AES-256": encrypt(t, src, model.NewAESConfiguration("", "owner-secret", 256)),
		"qpdf AES-256": qpdfEncrypt(t, src, "--encrypt", "", "owner-secret", "256",
			"--print=none", "--modify=none", "--extract=n"),
		// Compressed object streams: the objects inside are decrypted with their stream.
		"qpdf RC4-128 object streams": qpdfEncrypt(t, src, "--allow-weak-crypto", "--object-streams=generate",
			"--encrypt", "", "owner-secret", "128", "--use-aes=n", "--print=none", "--modify=none"),
	}
	tools := pdf.Tools{Timeout: 20 * time.Second}
	ctx := context.Background()
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, string(data), "/Encrypt", "the file is encrypted")
			doc, err := pdf.Open(ctx, data, limits)
			require.NoError(t, err)
			require.True(t, doc.Encrypted)
			require.Equal(t, 3, doc.Pages)
			require.Equal(t, "Étude in E major", doc.Info["Title"], "strings are decrypted")
			require.Equal(t, "Frédéric Chopin", doc.Info["Composer"])

			want := []string{"Etude (Op. 10)", "page two", "page three"}
			check := func(n int, page []byte) {
				require.NotContains(t, string(page), "/Encrypt", "page %d", n)
				one, err := pdf.Open(ctx, page, limits)
				require.NoError(t, err, "page %d", n)
				require.False(t, one.Encrypted, "page %d is written decrypted", n)
				require.Equal(t, 1, one.Pages)
				text, err := tools.Text(ctx, page)
				require.NoError(t, err)
				require.Equal(t, want[n-1], strings.TrimSpace(text), "page %d", n)
				img, err := tools.Render(ctx, page, 30, 0)
				require.NoError(t, err)
				require.True(t, bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")))
			}
			var mu sync.Mutex
			pages := map[int][]byte{}
			require.NoError(t, doc.Split(ctx, 2, func(n int, page []byte) error {
				mu.Lock()
				defer mu.Unlock()
				pages[n] = page
				return nil
			}))
			require.Len(t, pages, 3)
			for n, page := range pages {
				check(n, page)
			}
			// pdfcpu's own extraction, the raw writer's fallback, writes them decrypted too.
			page, err := doc.PageWithPdfcpu(2)
			require.NoError(t, err)
			check(2, page)
		})
	}
}

// TestUserPasswordRefused: a PDF that needs a password to be opened is refused, whoever
// encrypted it and with whatever cipher, with a reason that says what to do.
func TestUserPasswordRefused(t *testing.T) {
	src := valid()
	files := map[string][]byte{
		"pdfcpu RC4-128":                encrypt(t, src, model.NewRC4Configuration("user-secret", "owner-secret", 128)),
		"pdfcpu AES-256":                encrypt(t, src, model.NewAESConfiguration("user-secret", "owner-secret", 256)),
		"pdfcpu AES-256 same passwords": encrypt(t, src, model.NewAESConfiguration("secret", "secret", 256)),
		"qpdf AES-256":                  qpdfEncrypt(t, src, "--encrypt", "user-secret", "owner-secret", "256"),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			doc, err := pdf.Open(context.Background(), data, limits)
			require.Nil(t, doc)
			var refused *pdf.Refused
			require.ErrorAs(t, err, &refused)
			require.Equal(t, "the PDF is password-protected; remove the password and upload it again", refused.Reason)
		})
	}
}

// TestUnsupportedEncryption: encryption that cannot be read here (a security handler
// other than the standard password one, such as certificates) is refused as such, not as
// a damaged file.
func TestUnsupportedEncryption(t *testing.T) {
	data := encrypt(t, valid(), model.NewAESConfiguration("", "owner-secret", 256))
	require.Equal(t, 1, bytes.Count(data, []byte("/Filter/Standard")))
	data = bytes.Replace(data, []byte("/Filter/Standard"), []byte("/Filter/OtherSec"), 1) // same length: the offsets stay right
	_, err := pdf.Open(context.Background(), data, limits)
	var refused *pdf.Refused
	require.ErrorAs(t, err, &refused)
	require.Equal(t, "the PDF is encrypted in a way that cannot be read here; save an unencrypted copy and upload that", refused.Reason)
}
