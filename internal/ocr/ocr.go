// Package ocr reads the words of a page image with Tesseract 5, run as a subprocess with a
// time limit and a memory limit: an untrusted scan never reaches a parser in our process.
package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	stdimage "image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ErrOCR is wrapped by errors of a Tesseract run that failed on its input (a timeout, an
// image it cannot read, its memory limit), as opposed to Tesseract missing.
var ErrOCR = errors.New("ocr failed")

// ErrTimeout and ErrMemory wrap ErrOCR: the page took longer than the time limit, or more
// memory than allowed.
var (
	ErrTimeout = fmt.Errorf("%w: time limit", ErrOCR)
	ErrMemory  = fmt.Errorf("%w: memory limit", ErrOCR)
)

// ErrNotInstalled is wrapped when tesseract (or prlimit) is not on the PATH.
var ErrNotInstalled = errors.New("tesseract is not installed (Debian tesseract-ocr; ops/setup installs it)")

// Tesseract runs the tesseract command.
type Tesseract struct {
	// Languages are Tesseract's language codes, the first the primary one ("eng", "deu"…);
	// empty means English only. Each language costs time on every page.
	Languages []string
	// Timeout bounds one page (0: 60 s); MaxMemory the address space of the process in
	// bytes (0: 2 GiB).
	Timeout   time.Duration
	MaxMemory int64
	// MinWordConfidence: words Tesseract is less sure of, 0 to 100, are left out (0: 30).
	// Staves, stems and beams read as letters come out as such words.
	MinWordConfidence float64
	// TitleArea: the top of the page (TitleAreaShare of it) is read first as a column of
	// lines of any size, then the whole page; its lines come first. A title page's big
	// title is often taken for a picture when the whole page is laid out at once.
	TitleArea bool
}

// TitleAreaShare is the share of a page, from its top, read first with TitleArea.
const TitleAreaShare = 0.35

// Page is what was read on one page.
type Page struct {
	// Text is the page's words, line by line, in reading order.
	Text string
	// Confidence is Tesseract's mean confidence in the words kept, weighted by their
	// length, from 0 to 1; 0 when no word was kept.
	Confidence float64
	// Words is the number of words kept.
	Words int

	lines []line
}

// line is one line of a reading: its text, letters and confidence (weighted by letters),
// and its weight as evidence that the page was read the right way up.
type line struct {
	text     string
	letters  int
	weighted float64
	sure     float64
}

// pageOf assembles lines into a Page.
func pageOf(lines []line, words int) Page {
	p := Page{Words: words, lines: lines}
	texts := make([]string, len(lines))
	var letters int
	var weighted float64
	for i, l := range lines {
		texts[i] = l.text
		letters += l.letters
		weighted += l.weighted
	}
	p.Text = strings.Join(texts, "\n")
	if letters > 0 {
		p.Confidence = weighted / float64(letters) / 100
	}
	return p
}

func (t Tesseract) timeout() time.Duration {
	if t.Timeout > 0 {
		return t.Timeout
	}
	return time.Minute
}

func (t Tesseract) maxMemory() int64 {
	if t.MaxMemory > 0 {
		return t.MaxMemory
	}
	return 2 << 30
}

func (t Tesseract) langs() string {
	if len(t.Languages) == 0 {
		return "eng"
	}
	return strings.Join(t.Languages, "+")
}

// Read reads image, a PNG (about 300 dpi reads best). A page photographed sideways or upside
// down is turned first: Tesseract's orientation detection runs on a half-size copy (fast,
// and sure enough for the few lines of a title page), and when it is not sure, both the page
// as it is and the page turned are read and the better reading kept. A slightly skewed scan
// is straightened by Tesseract line by line.
func (t Tesseract) Read(ctx context.Context, image []byte) (Page, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout())
	defer cancel()
	src, err := png.Decode(bytes.NewReader(image))
	if err != nil {
		return Page{}, fmt.Errorf("%w: the page image: %w", ErrOCR, err)
	}
	gray := toGray(src)
	turn, sure, err := t.orientation(ctx, gray)
	if err != nil {
		return Page{}, err
	}
	if turn == 0 {
		return t.readUpright(ctx, gray, image)
	}
	if sure {
		return t.readUpright(ctx, rotate(gray, turn), nil)
	}
	// Unsure: the page as it is first. Read the right way up, its words are surely read
	// (a page of music too: what is left of it after the line filter is its few words); read
	// upside down or sideways, they are not, and the page turned is read too.
	asIs, err := t.readUpright(ctx, gray, image)
	if err != nil || asIs.wellRead() {
		return asIs, err
	}
	read, err := t.readUpright(ctx, rotate(gray, turn), nil)
	if err != nil {
		return Page{}, err
	}
	if asIs.sureness() > read.sureness() {
		return asIs, nil
	}
	return read, nil
}

// wellRead: the reading's letters are surely read on the whole (their sureness, confidence
// to the fourth power, averages 0.5 or more: a mean confidence of about 84 %), or it has
// none.
func (p Page) wellRead() bool {
	letters := 0
	for _, l := range p.lines {
		letters += l.letters
	}
	return letters == 0 || p.sureness()/float64(letters) >= 0.5
}

// sureness weighs a reading as evidence that the page was the right way up: its letters,
// each by its word's confidence to the fourth power (a page read upside down still gives
// letters, but few with confidence).
func (p Page) sureness() float64 {
	var s float64
	for _, l := range p.lines {
		s += l.sure
	}
	return s
}

// readUpright reads page, upright; encoded is its PNG when at hand (nil: encoded here).
func (t Tesseract) readUpright(ctx context.Context, page *stdimage.Gray, encoded []byte) (Page, error) {
	if encoded == nil {
		var err error
		if encoded, err = encode(page); err != nil {
			return Page{}, err
		}
	}
	whole, err := t.recognize(ctx, encoded, "3")
	if err != nil || !t.TitleArea {
		return whole, err
	}
	b := page.Bounds()
	top, err := encode(page.SubImage(stdimage.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+int(float64(b.Dy())*TitleAreaShare))))
	if err != nil {
		return Page{}, err
	}
	title, err := t.recognize(ctx, top, "4")
	if err != nil {
		return Page{}, err
	}
	return merge(title, whole), nil
}

// merge puts first's lines before second's, leaving out those of second that first has.
func merge(first, second Page) Page {
	seen := map[string]bool{}
	for _, l := range first.lines {
		seen[squash(l.text)] = true
	}
	lines := append([]line{}, first.lines...)
	words := first.Words
	for _, l := range second.lines {
		if !seen[squash(l.text)] {
			lines = append(lines, l)
			words += len(strings.Fields(l.text))
		}
	}
	return pageOf(lines, words)
}

func squash(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }

// orientation returns how many degrees clockwise the page must be turned (0, 90, 180, 270)
// and whether Tesseract is sure of it. A page Tesseract cannot tell (too few letters, no
// script) is read as it is.
func (t Tesseract) orientation(ctx context.Context, page *stdimage.Gray) (int, bool, error) {
	half, err := encode(halve(page))
	if err != nil {
		return 0, false, err
	}
	// min_characters_to_try: a title page has few letters; 5 is enough for a call that is
	// checked against the other orientation when it is not sure.
	out, err := t.run(ctx, half, "--psm", "0", "-c", "min_characters_to_try=5")
	if err != nil {
		if errors.Is(err, ErrOCR) && ctx.Err() == nil {
			return 0, false, nil // "Too few characters": read as it is
		}
		return 0, false, err
	}
	var turn int
	var conf float64
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Rotate: "); ok {
			turn, _ = strconv.Atoi(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "Orientation confidence: "); ok {
			conf, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	switch turn {
	case 90, 180, 270:
		return turn, conf >= sureOrientation, nil
	default:
		return 0, true, nil
	}
}

// sureOrientation: Tesseract's orientation confidence above which its call is taken alone.
// Under it the call is checked by reading (Read): on a page of music it is a guess (0.1 to
// 0.6 on this corpus's pages, often "upside down"), and on a title page turned upside down
// it can be as low (0.99 on the corpus, lower on a three-line page).
const sureOrientation = 2.5

// recognize reads the words of image, upright, with page segmentation mode psm: 3, the
// page laid out in blocks; 4, one column of lines of any size.
func (t Tesseract) recognize(ctx context.Context, image []byte, psm string) (Page, error) {
	out, err := t.run(ctx, image, "-l", t.langs(), "--psm", psm, "tsv")
	if err != nil {
		return Page{}, err
	}
	return t.parse(out), nil
}

// run runs tesseract on image with args after its input and output.
func (t Tesseract) run(ctx context.Context, image []byte, args ...string) ([]byte, error) {
	// prlimit bounds the address space before tesseract starts (a huge image would
	// otherwise take the worker's memory); OMP_THREAD_LIMIT keeps it to one core, as the
	// worker reads several pages at once.
	cmd := exec.CommandContext(ctx, "prlimit", append([]string{"--as=" + strconv.FormatInt(t.maxMemory(), 10), "--",
		"tesseract", "stdin", "stdout"}, args...)...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(image)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limited{buf: &out, max: 16 << 20}, &limited{buf: &stderr, max: 4 << 10}
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, fmt.Errorf("%w: %w", ErrNotInstalled, err)
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("%w: tesseract took longer than %s", ErrTimeout, t.timeout())
	case ctx.Err() != nil:
		return nil, fmt.Errorf("tesseract stopped: %w", ctx.Err())
	case err != nil:
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "Failed loading language") || strings.Contains(msg, "Error opening data file") {
			return nil, fmt.Errorf("%w: language data missing (%s): %s", ErrNotInstalled, t.langs(), msg)
		}
		// Out of its address space: in a C++ allocation, or loading its libraries.
		if strings.Contains(msg, "bad_alloc") || strings.Contains(msg, "failed to map segment") ||
			strings.Contains(strings.ToLower(msg), "cannot allocate memory") {
			return nil, fmt.Errorf("%w: tesseract: %w", ErrMemory, err)
		}
		return nil, fmt.Errorf("%w: tesseract: %w: %s", ErrOCR, err, lastLine(msg))
	}
	return out.Bytes(), nil
}

func toGray(src stdimage.Image) *stdimage.Gray {
	if g, ok := src.(*stdimage.Gray); ok {
		return g
	}
	b := src.Bounds()
	g := stdimage.NewGray(b)
	draw.Draw(g, b, src, b.Min, draw.Src)
	return g
}

// halve scales src to half its size, each pixel the mean of four.
func halve(src *stdimage.Gray) *stdimage.Gray {
	b := src.Bounds()
	w, h := b.Dx()/2, b.Dy()/2
	dst := stdimage.NewGray(stdimage.Rect(0, 0, max(w, 1), max(h, 1)))
	for y := range h {
		r0 := src.Pix[(2*y)*src.Stride:]
		r1 := src.Pix[(2*y+1)*src.Stride:]
		row := dst.Pix[y*dst.Stride:]
		for x := range w {
			row[x] = uint8((int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1]) + 2) / 4)
		}
	}
	return dst
}

// rotate turns src clockwise by turn degrees (90, 180 or 270).
func rotate(src *stdimage.Gray, turn int) *stdimage.Gray {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	var dst *stdimage.Gray
	if turn == 180 {
		dst = stdimage.NewGray(stdimage.Rect(0, 0, w, h))
	} else {
		dst = stdimage.NewGray(stdimage.Rect(0, 0, h, w))
	}
	for y := range h {
		row := src.Pix[y*src.Stride : y*src.Stride+w]
		for x, v := range row {
			switch turn {
			case 90: // (x, y) → (h-1-y, x)
				dst.Pix[x*dst.Stride+h-1-y] = v
			case 180:
				dst.Pix[(h-1-y)*dst.Stride+w-1-x] = v
			default: // 270: (x, y) → (y, w-1-x)
				dst.Pix[(w-1-x)*dst.Stride+y] = v
			}
		}
	}
	return dst
}

func encode(img stdimage.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// word is one row of Tesseract's TSV output at the word level.
type word struct {
	line [3]int // block, paragraph, line
	conf float64
	text string
}

// parse assembles the words of Tesseract's TSV output (level, page, block, paragraph, line,
// word, left, top, width, height, conf, text) into lines. Left out: words below the
// confidence floor, "words" with no letter or digit, and lines that are no words (music
// read as letters: only short tokens, and not confidently read).
func (t Tesseract) parse(tsv []byte) Page {
	floor := t.MinWordConfidence
	if floor <= 0 {
		floor = 30
	}
	var (
		lines   []line
		current []word
		words   int
	)
	flush := func() {
		if !isWords(current) {
			current = current[:0]
			return
		}
		texts := make([]string, len(current))
		var l line
		for i, w := range current {
			texts[i] = w.text
			n := len([]rune(w.text))
			c := w.conf / 100
			l.weighted += w.conf * float64(n)
			l.sure += float64(n) * c * c * c * c
			l.letters += n
		}
		l.text = strings.Join(texts, " ")
		words += len(current)
		lines = append(lines, l)
		current = current[:0]
	}
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		var w word
		var err error
		for i := range 3 {
			if w.line[i], err = strconv.Atoi(f[2+i]); err != nil {
				break
			}
		}
		conf, cerr := strconv.ParseFloat(f[10], 64)
		w.text = strings.TrimSpace(f[11])
		if err != nil || cerr != nil || w.text == "" || conf < floor || !strings.ContainsFunc(w.text, isWordRune) {
			continue
		}
		w.conf = conf
		if len(current) > 0 && w.line != current[0].line {
			flush()
		}
		current = append(current, w)
	}
	flush()
	return pageOf(lines, words)
}

// isWords tells a line of words from notation read as letters: it has a word of three
// letters or more, or it is at least two tokens read with confidence ("Op. 740", "No. 3").
func isWords(line []word) bool {
	var conf float64
	for _, w := range line {
		if WordLetters(w.text) >= 3 {
			return true
		}
		conf += w.conf
	}
	return len(line) >= 2 && conf/float64(len(line)) >= 85
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// limited keeps at most max bytes, failing the write after that (the process then fails).
type limited struct {
	buf *bytes.Buffer
	max int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.max {
		return 0, errors.New("output limit reached")
	}
	return l.buf.Write(p)
}

// WordLetters counts the letters of text's words of two letters or more: how much of a page's
// text layer is words, not the stray glyphs a music font or a damaged layer leaves.
func WordLetters(text string) int {
	n, run := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) && !isPrivate(r) {
			run++
			continue
		}
		if run >= 2 {
			n += run
		}
		run = 0
	}
	if run >= 2 {
		n += run
	}
	return n
}

func isPrivate(r rune) bool { return r >= 0xE000 && r <= 0xF8FF }
