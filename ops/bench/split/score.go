package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/mirubato/mirubato/internal/pdf/pdftest"
)

// engravedScore writes a PDF shaped like an engraved score: a few embedded fonts shared by
// all pages (a music font, a text font), and per page a compressed content stream of staff
// lines, note heads, stems, beams and text, about 70 KB compressed. The font programs are
// pseudo-random bytes of a realistic size: splitting copies fonts, it does not parse them.
// The same seed gives the same file.
func engravedScore(pages int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	stream := func(dict string, data []byte) int {
		return add(fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
	}
	catalog := add("")
	pagesObj := add("")

	fonts := make([]int, 0, 3)
	for i, size := range []int{180 << 10, 60 << 10, 40 << 10} {
		program := make([]byte, size)
		for j := range program {
			program[j] = byte(rng.Uint32())
		}
		file := stream("/Length1 "+fmt.Sprint(size), program)
		desc := add(fmt.Sprintf("<< /Type /FontDescriptor /FontName /Engraver%d /Flags 4 /FontBBox [0 -500 1000 1000] /ItalicAngle 0 "+
			"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >>", i, file))
		widths := strings.TrimSpace(strings.Repeat("600 ", 224))
		fonts = append(fonts, add(fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /Engraver%d /FirstChar 32 /LastChar 255 "+
			"/Widths [%s] /FontDescriptor %d 0 R /Encoding /WinAnsiEncoding >>", i, widths, desc)))
	}
	resources := fmt.Sprintf("<< /Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R >> /ProcSet [/PDF /Text] >>", fonts[0], fonts[1], fonts[2])

	kids := make([]string, 0, pages)
	for p := range pages {
		content := pageContent(rng, p+1)
		var z bytes.Buffer
		w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
		_, _ = w.Write(content)
		_ = w.Close()
		c := stream("/Filter /FlateDecode", z.Bytes())
		page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>",
			pagesObj, resources, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	info := add("<< /Title (Twenty-Four Preludes) /Composer (Frederic Chopin) /Subtitle (Op. 28) /Creator (engraver) >>")

	return pdftest.Write(objs, catalog, info)
}

// pageContent draws twenty staves of five lines with notes, stems, beams and a few
// words, with slightly irregular positions as engraving has.
func pageContent(rng *rand.Rand, n int) []byte {
	var b strings.Builder
	f := func(x float64) string { return fmt.Sprintf("%.3f", x) }
	fmt.Fprintf(&b, "BT /F2 14 Tf 260 810 Td (Prelude, page %d) Tj ET\n", n)
	for staff := range 20 { // ten systems of a grand staff
		top := 790.0 - float64(staff)*39
		b.WriteString("0.6 w\n")
		for line := range 5 {
			y := top - float64(line)*6
			fmt.Fprintf(&b, "40 %s m 555 %s l S\n", f(y), f(y))
		}
		x := 60.0
		for x < 545 {
			y := top - rng.Float64()*30
			fmt.Fprintf(&b, "BT /F1 %d Tf %s %s Td <%02x%02x> Tj ET\n", 18+rng.IntN(3), f(x), f(y), 0x41+rng.IntN(40), 0x41+rng.IntN(40))
			if rng.IntN(2) == 0 { // a chord: a second note head
				fmt.Fprintf(&b, "BT /F1 19 Tf %s %s Td <%02x> Tj ET\n", f(x), f(y-3-rng.Float64()*9), 0x41+rng.IntN(40))
			}
			fmt.Fprintf(&b, "1.1 w %s %s m %s %s l S\n", f(x+6.5), f(y+1), f(x+6.5), f(y+20+rng.Float64()*4))
			if rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "%s %s m %s %s l %s %s l %s %s l f\n", f(x+6.5), f(y+22), f(x+22), f(y+23+rng.Float64()*3),
					f(x+22), f(y+20), f(x+6.5), f(y+19))
			}
			if rng.IntN(7) == 0 {
				fmt.Fprintf(&b, "BT /F3 9 Tf %s %s Td (%s) Tj ET\n", f(x), f(top-36), []string{"p", "mf", "cresc.", "dim.", "f", "pp"}[rng.IntN(6)])
			}
			x += 3 + rng.Float64()*4
		}
	}
	return []byte(b.String())
}
