package engraving

import (
	"bufio"
	"bytes"
	"math"
	"strconv"
	"strings"
)

// The page as MuPDF's trace device describes it (`mutool draw -F trace`): one element per
// line, paths as moveto/lineto/curveto children of fill_path and stroke_path, glyphs as g
// children of a span inside fill_text. Every element carries the transform from its own
// coordinates to the device, whose origin is the page's top left corner, y downwards, in
// points (72 per inch); the page's rotation is part of it. Everything below is in device
// coordinates.

// glyph is one drawn character.
type glyph struct {
	font string // the font's name without its subset prefix ("Emmentaler-20")
	name string // the glyph's name in the font ("clefs.G"), "" when the font has none
	r    rune   // its Unicode value, -1 when unknown
	x, y float64
	size float64 // the font size on the page: the height of one em
	adv  float64 // the advance to the next glyph, on the page
}

// line is a straight horizontal or vertical stroke or thin filled rectangle: from (x0, y0)
// to (x1, y1), with x0 ≤ x1 and y0 ≤ y1, and its thickness.
type line struct {
	x0, y0, x1, y1 float64
	width          float64
}

// shape is any other path, kept when it is tall and narrow (a brace or bracket drawn as
// a path): its bounding box and points.
type shape struct {
	x0, y0, x1, y1 float64
	curved         bool
	pts            []point
}

type point struct{ x, y float64 }

type page struct {
	width, height float64
	glyphs        []glyph
	hlines        []line
	vlines        []line
	shapes        []shape
}

// matrix is a PDF transform [a b c d e f]: (x, y) → (ax + cy + e, bx + dy + f).
type matrix [6]float64

func (m matrix) apply(x, y float64) point {
	return point{m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]}
}

// scale is the factor by which m changes lengths (for a line width or a font size).
func (m matrix) scale() float64 { return math.Sqrt(math.Abs(m[0]*m[3] - m[1]*m[2])) }

// concat is t followed by m.
func (m matrix) concat(t matrix) matrix {
	return matrix{
		t[0]*m[0] + t[1]*m[2], t[0]*m[1] + t[1]*m[3],
		t[2]*m[0] + t[3]*m[2], t[2]*m[1] + t[3]*m[3],
		t[4]*m[0] + t[5]*m[2] + m[4], t[4]*m[1] + t[5]*m[3] + m[5],
	}
}

func parseMatrix(s string) (matrix, bool) {
	var m matrix
	f := strings.Fields(s)
	if len(f) != 6 && len(f) != 4 {
		return m, false
	}
	for i, v := range f {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return m, false
		}
		m[i] = n
	}
	return m, true
}

// attr returns the value of the attribute name in one element's line, unescaped.
func attr(el, name string) (string, bool) {
	i := 0
	for {
		j := strings.Index(el[i:], name+`="`)
		if j < 0 {
			return "", false
		}
		j += i
		if j > 0 && el[j-1] == ' ' {
			start := j + len(name) + 2
			end := strings.IndexByte(el[start:], '"')
			if end < 0 {
				return "", false
			}
			return unescape(el[start : start+end]), true
		}
		i = j + 1
	}
}

func attrFloat(el, name string) (float64, bool) {
	s, ok := attr(el, name)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// unescape decodes the entities the trace device writes: &amp; &lt; &gt; &quot; and
// &#xNN; for control characters.
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		semi := strings.IndexByte(s, ';')
		if semi < 0 {
			b.WriteString(s)
			break
		}
		ent := s[1:semi]
		switch {
		case ent == "amp":
			b.WriteByte('&')
		case ent == "lt":
			b.WriteByte('<')
		case ent == "gt":
			b.WriteByte('>')
		case ent == "quot":
			b.WriteByte('"')
		case ent == "apos":
			b.WriteByte('\'')
		case strings.HasPrefix(ent, "#x"):
			if n, err := strconv.ParseUint(ent[2:], 16, 32); err == nil {
				b.WriteRune(rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			if n, err := strconv.ParseUint(ent[1:], 10, 32); err == nil {
				b.WriteRune(rune(n))
			}
		default:
			b.WriteString(s[:semi+1])
		}
		s = s[semi+1:]
	}
	return b.String()
}

// tag is the element name of a trace line ("fill_path", "/fill_path", "g"), "" for none.
func tag(el string) string {
	if len(el) < 2 || el[0] != '<' {
		return ""
	}
	end := strings.IndexAny(el[1:], " />")
	if end < 0 {
		return el[1:]
	}
	if end == 0 && el[1] == '/' {
		end = strings.IndexAny(el[2:], " >")
		if end < 0 {
			return el[1:]
		}
		return el[1 : end+2]
	}
	return el[1 : end+1]
}

// pathBuilder collects one path's subpaths, already in device coordinates.
type pathBuilder struct {
	ctm     matrix
	width   float64 // stroke width in device units; 0 for a fill
	stroke  bool
	skip    bool // a clipping path, or one whose transform could not be read
	subs    [][]point
	curved  []bool
	current point
}

func (p *pathBuilder) moveto(x, y float64) {
	p.current = p.ctm.apply(x, y)
	p.subs = append(p.subs, []point{p.current})
	p.curved = append(p.curved, false)
}

// curveto follows a Bézier curve from the current point through the control points of c
// to its end, keeping points along it (a brace's outline is read from them). A transform
// maps a Bézier curve to the one of the mapped points, so the curve is followed on the page.
func (p *pathBuilder) curveto(c [6]float64) {
	if len(p.subs) == 0 {
		p.subs = append(p.subs, []point{p.current})
		p.curved = append(p.curved, false)
	}
	p0, c1, c2, p3 := p.current, p.ctm.apply(c[0], c[1]), p.ctm.apply(c[2], c[3]), p.ctm.apply(c[4], c[5])
	n := len(p.subs) - 1
	for _, t := range []float64{0.25, 0.5, 0.75, 1} {
		u := 1 - t
		q := point{
			u*u*u*p0.x + 3*u*u*t*c1.x + 3*u*t*t*c2.x + t*t*t*p3.x,
			u*u*u*p0.y + 3*u*u*t*c1.y + 3*u*t*t*c2.y + t*t*t*p3.y,
		}
		p.subs[n] = append(p.subs[n], q)
	}
	p.current = p3
	p.curved[n] = true
}

func (p *pathBuilder) lineto(x, y float64) {
	if len(p.subs) == 0 {
		p.subs = append(p.subs, []point{p.current})
		p.curved = append(p.curved, false)
	}
	p.current = p.ctm.apply(x, y)
	n := len(p.subs) - 1
	p.subs[n] = append(p.subs[n], p.current)
}

// straight is the tolerance, in points, under which a segment counts as horizontal or
// vertical (a hairline drawn from rounded coordinates, a page rotated by a rounding error).
const straight = 0.15

// finish adds the path's lines and shapes to pg. A stroked path gives a line for each of
// its straight horizontal or vertical segments; a filled path gives a line for each
// subpath that is an axis-aligned rectangle (how many programs draw staff lines and
// barlines), and a shape for each other subpath that is tall and narrow.
func (p *pathBuilder) finish(pg *page) {
	for i, sub := range p.subs {
		if len(sub) < 2 {
			continue
		}
		if p.stroke {
			if !p.curved[i] {
				for k := 1; k < len(sub); k++ {
					pg.addSegment(sub[k-1], sub[k], p.width)
				}
			}
			if p.curved[i] || len(sub) > 3 {
				pg.addShape(sub, p.curved[i], p.width)
			}
			continue
		}
		if !p.curved[i] {
			if x0, y0, x1, y1, ok := rectangle(sub); ok {
				if x1-x0 >= y1-y0 {
					pg.hlines = append(pg.hlines, line{x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, y1 - y0})
				} else {
					pg.vlines = append(pg.vlines, line{(x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1 - x0})
				}
				continue
			}
		}
		pg.addShape(sub, p.curved[i], 0)
	}
}

func (pg *page) addSegment(a, b point, width float64) {
	dx, dy := math.Abs(b.x-a.x), math.Abs(b.y-a.y)
	switch {
	case dy <= straight && dx > dy:
		pg.hlines = append(pg.hlines, line{math.Min(a.x, b.x), (a.y + b.y) / 2, math.Max(a.x, b.x), (a.y + b.y) / 2, width})
	case dx <= straight && dy > dx:
		pg.vlines = append(pg.vlines, line{(a.x + b.x) / 2, math.Min(a.y, b.y), (a.x + b.x) / 2, math.Max(a.y, b.y), width})
	}
}

// maxShapePoints bounds what is kept of one shape: braces are drawn with a few dozen.
const maxShapePoints = 512

func (pg *page) addShape(pts []point, curved bool, width float64) {
	s := shape{x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1), curved: curved}
	for _, q := range pts {
		s.x0, s.y0 = math.Min(s.x0, q.x), math.Min(s.y0, q.y)
		s.x1, s.y1 = math.Max(s.x1, q.x), math.Max(s.y1, q.y)
	}
	s.x0 -= width / 2
	s.x1 += width / 2
	h, w := s.y1-s.y0, s.x1-s.x0
	// Only tall, narrow shapes can be braces or brackets.
	if h < 8 || w > h/2 || len(pts) > maxShapePoints {
		return
	}
	s.pts = append([]point(nil), pts...)
	pg.shapes = append(pg.shapes, s)
}

// rectangle reports whether pts (a closed or open polygon of 4 or 5 points) is an
// axis-aligned rectangle, and its extent.
func rectangle(pts []point) (x0, y0, x1, y1 float64, ok bool) {
	n := len(pts)
	if n == 5 && math.Abs(pts[4].x-pts[0].x) <= straight && math.Abs(pts[4].y-pts[0].y) <= straight {
		n = 4
	}
	if n != 4 {
		return 0, 0, 0, 0, false
	}
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for k := range 4 {
		a, b := pts[k], pts[(k+1)%4]
		if math.Abs(a.x-b.x) > straight && math.Abs(a.y-b.y) > straight {
			return 0, 0, 0, 0, false
		}
		x0, y0 = math.Min(x0, a.x), math.Min(y0, a.y)
		x1, y1 = math.Max(x1, a.x), math.Max(y1, a.y)
	}
	return x0, y0, x1, y1, x1 > x0 && y1 > y0
}

// parseTrace reads the trace of one page. It is lenient: an element it cannot read is
// skipped, as the trace of a damaged page may be cut short.
func parseTrace(out []byte) *page {
	pg := &page{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var (
		path     *pathBuilder
		clip     int // depth of clip_path/clip_stroke_path elements: their paths are not drawn
		inText   bool
		textCTM  matrix
		spanFont string
		spanTRM  matrix
	)
	for sc.Scan() {
		el := strings.TrimSpace(sc.Text())
		switch tag(el) {
		case "page":
			if mb, ok := attr(el, "mediabox"); ok {
				if f := strings.Fields(mb); len(f) == 4 {
					x0, _ := strconv.ParseFloat(f[0], 64)
					y0, _ := strconv.ParseFloat(f[1], 64)
					x1, _ := strconv.ParseFloat(f[2], 64)
					y1, _ := strconv.ParseFloat(f[3], 64)
					pg.width, pg.height = math.Abs(x1-x0), math.Abs(y1-y0)
				}
			}
		case "fill_path", "stroke_path":
			if strings.HasSuffix(el, "/>") {
				continue
			}
			m, ok := attr(el, "transform")
			ctm, ok2 := parseMatrix(m)
			if !ok || !ok2 || clip > 0 {
				path = &pathBuilder{skip: true}
				continue
			}
			path = &pathBuilder{ctm: ctm, stroke: tag(el) == "stroke_path"}
			if path.stroke {
				w, _ := attrFloat(el, "linewidth")
				path.width = w * ctm.scale()
			}
		case "clip_path", "clip_stroke_path":
			if !strings.HasSuffix(el, "/>") {
				clip++
			}
		case "/clip_path", "/clip_stroke_path":
			clip = max(0, clip-1)
		case "moveto", "lineto":
			if path == nil {
				continue
			}
			x, ok1 := attrFloat(el, "x")
			y, ok2 := attrFloat(el, "y")
			if !ok1 || !ok2 {
				continue
			}
			if tag(el) == "moveto" {
				path.moveto(x, y)
			} else {
				path.lineto(x, y)
			}
		case "curveto":
			if path == nil {
				continue
			}
			var c [6]float64
			ok := true
			for k, name := range []string{"x1", "y1", "x2", "y2", "x3", "y3"} {
				var found bool
				c[k], found = attrFloat(el, name)
				ok = ok && found
			}
			if ok {
				path.curveto(c)
			}
		case "/fill_path", "/stroke_path":
			if path != nil && !path.skip {
				path.finish(pg)
			}
			path = nil
		case "fill_text", "stroke_text":
			m, _ := attr(el, "transform")
			ctm, ok := parseMatrix(m)
			inText = ok && clip == 0
			textCTM = ctm
		case "/fill_text", "/stroke_text":
			inText = false
		case "span":
			if !inText {
				continue
			}
			spanFont, _ = attr(el, "font")
			if i := strings.IndexByte(spanFont, '+'); i == 6 {
				spanFont = spanFont[i+1:]
			}
			t, _ := attr(el, "trm")
			spanTRM, _ = parseMatrix(t + " 0 0")
		case "g":
			if !inText {
				continue
			}
			x, ok1 := attrFloat(el, "x")
			y, ok2 := attrFloat(el, "y")
			if !ok1 || !ok2 {
				continue
			}
			g := glyph{font: spanFont, r: -1}
			if u, ok := attr(el, "unicode"); ok {
				for _, r := range u {
					g.r = r
					break
				}
			}
			if n, ok := attr(el, "glyph"); ok && !numeric(n) {
				g.name = n
			}
			p := textCTM.apply(x, y)
			g.x, g.y = p.x, p.y
			full := textCTM.concat(spanTRM)
			// The vertical extent of one em on the page: programs that stretch a brace
			// scale the font vertically only.
			g.size = math.Hypot(full[2], full[3])
			if adv, ok := attrFloat(el, "adv"); ok {
				g.adv = adv * math.Hypot(full[0], full[1])
			}
			pg.glyphs = append(pg.glyphs, g)
		}
	}
	return pg
}

func numeric(s string) bool {
	if s == "" {
		return true
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
