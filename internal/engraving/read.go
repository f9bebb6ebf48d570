package engraving

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/mirubato/mirubato/internal/metadata"
)

// mark is a classified glyph.
type mark struct {
	glyph
	kind kind
	fam  family
}

// system is a run of staves joined by the lines and signs at their left (and by barlines
// through the gaps between them), with how they are grouped.
type system struct {
	staves []int // indexes into the page's staves, top to bottom
	// groups: each brace or bracket, as the first and last staff it joins (indexes into
	// staves above).
	braces, brackets [][2]int
}

// reading is what readPage works with.
type reading struct {
	pg     *page
	staves []staff
	marks  []mark // music glyphs
	owner  []int  // the staff each mark belongs to (own)
	text   []mark // text glyphs
	vlines []line
}

// maxStaves bounds the staves read on a page (the largest scores have some 40 per page):
// a page ruled like a grid must not cost more than a real one.
const maxStaves = 120

// readPage reads the page's first system; nil when the page has no staves.
func readPage(pg *page) *metadata.Music {
	r, systems := readSystems(pg)
	if r == nil {
		return nil
	}
	first := systems[0]
	m := &metadata.Music{Staves: len(first.staves)}
	for _, b := range first.braces {
		m.Braced += b[1] - b[0] + 1
	}
	m.Bracketed = countGrouped(first.brackets)

	clefs := make([]*mark, len(first.staves))
	m.Clefs = make([]string, len(first.staves))
	for i, si := range first.staves {
		clefs[i] = r.clef(si)
		m.Clefs[i] = clefName(clefs[i], r.staves[si])
		if r.staves[si].tab {
			clefs[i], m.Clefs[i] = nil, "tab"
		}
	}
	m.Fifths, m.KeySignatureRead = r.keySignature(first, clefs)
	named := r.names(first)
	// Later systems of the same shape tell what the first may not: short names, and
	// words that begin after an introduction.
	lyrics := make([]bool, len(first.staves))
	for _, sys := range systems {
		if len(sys.staves) != len(first.staves) {
			continue
		}
		for i, si := range sys.staves {
			next := -1
			if i+1 < len(sys.staves) {
				next = sys.staves[i+1]
			}
			lyrics[i] = lyrics[i] || r.lyrics(si, next)
		}
		if len(named) == 0 {
			named = r.names(sys)
		}
	}
	for _, ns := range named {
		m.Names = append(m.Names, ns.text)
	}
	m.Lyrics = lyrics[0]
	m.Instrumentation, m.InstrumentationConfidence = instrumentation(m, first, lyrics, named)
	if m.KeySignatureRead {
		m.Key, m.KeyConfidence = r.key(first, clefs, m.Fifths)
	}
	return m
}

// countGrouped counts the staves inside any of the groups (nested brackets count once).
func countGrouped(groups [][2]int) int {
	in := map[int]bool{}
	for _, g := range groups {
		for i := g[0]; i <= g[1]; i++ {
			in[i] = true
		}
	}
	return len(in)
}

// mergeVertical joins pieces of one vertical line (a barline drawn staff by staff, with
// the span bar between the staves as its own piece).
func mergeVertical(in []line) []line {
	ls := append([]line(nil), in...)
	sort.Slice(ls, func(i, j int) bool {
		if math.Abs(ls[i].x0-ls[j].x0) > 0.05 {
			return ls[i].x0 < ls[j].x0
		}
		return ls[i].y0 < ls[j].y0
	})
	var out []line
	for _, l := range ls {
		n := len(out)
		if n > 0 {
			o := &out[n-1]
			if math.Abs(o.x0-l.x0) <= 0.3 && l.y0 <= o.y1+1 && math.Abs(o.width-l.width) <= math.Max(0.3, o.width/2) {
				o.y1 = math.Max(o.y1, l.y1)
				o.width = math.Max(o.width, l.width)
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// systems groups the staves into systems, top to bottom.
func (r *reading) systems() []system {
	n := len(r.staves)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	join := func(a, b int) {
		for i := a; i < b; i++ {
			parent[find(i+1)] = find(i)
		}
	}
	// A vertical line through the gap between two staves that lie one above the other
	// joins them: a system's start line, a span bar, a bracket's line.
	for _, v := range r.vlines {
		first, last := -1, -1
		for i, s := range r.staves {
			if v.x0 < s.x0-4*s.space || v.x0 > s.x1+s.space {
				continue
			}
			if v.y0 <= s.y1+s.space/2 && v.y1 >= s.y0-s.space/2 {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first >= 0 && last > first && r.stacked(first, last) && v.y0 <= r.staves[first].y1+r.staves[first].space/2 && v.y1 >= r.staves[last].y0-r.staves[last].space/2 {
			join(first, last)
		}
	}
	braces := r.groups(kindBrace)
	brackets := r.groups(kindBracketTop)
	for _, g := range append(append([][2]int(nil), braces...), brackets...) {
		join(g[0], g[1])
	}

	var systems []system
	index := map[int]int{}
	for i := range r.staves {
		root := find(i)
		k, ok := index[root]
		if !ok {
			k = len(systems)
			index[root] = k
			systems = append(systems, system{})
		}
		systems[k].staves = append(systems[k].staves, i)
	}
	for k := range systems {
		sys := &systems[k]
		local := func(g [][2]int) [][2]int {
			var out [][2]int
			for _, p := range g {
				for j, si := range sys.staves {
					if si == p[0] {
						out = append(out, [2]int{j, j + p[1] - p[0]})
					}
				}
			}
			return out
		}
		sys.braces, sys.brackets = local(braces), local(brackets)
	}
	sort.SliceStable(systems, func(i, j int) bool {
		return r.staves[systems[i].staves[0]].y0 < r.staves[systems[j].staves[0]].y0
	})
	return systems
}

// stacked: the staves first..last lie one above the other (they share most of their
// width), as a system's staves do.
func (r *reading) stacked(first, last int) bool {
	a := r.staves[first]
	for i := first + 1; i <= last; i++ {
		b := r.staves[i]
		overlap := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
		if overlap < 0.5*math.Min(a.x1-a.x0, b.x1-b.x0) || b.y0 < a.y1 {
			return false
		}
		a = b
	}
	return true
}

// groups finds the braces (kindBrace) or brackets (kindBracketTop) at the left of the
// staves, as the first and last staff each joins.
func (r *reading) groups(k kind) [][2]int {
	var out [][2]int
	add := func(first, last int) {
		if first < 0 || last <= first || !r.stacked(first, last) {
			return
		}
		for _, g := range out {
			if g == [2]int{first, last} {
				return
			}
		}
		out = append(out, [2]int{first, last})
	}
	// left lists the staves whose left end is just right of x.
	left := func(x float64) []int {
		var idx []int
		for i, s := range r.staves {
			if x >= s.x0-5*s.space && x <= s.x0+s.space/2 {
				idx = append(idx, i)
			}
		}
		return idx
	}
	switch k {
	case kindBrace:
		for _, m := range r.marks {
			if m.kind != kindBrace {
				continue
			}
			idx := left(m.x)
			if m.fam == familySMuFL {
				// SMuFL's brace stands on its origin, one em tall; programs stretch it
				// to the staves it joins.
				first, last := -1, -1
				for _, i := range idx {
					s := r.staves[i]
					if s.mid() >= m.y-m.size-s.space && s.mid() <= m.y+s.space {
						if first < 0 {
							first = i
						}
						last = i
					}
				}
				add(first, last)
				continue
			}
			// LilyPond's brace is centred on its origin; its name tells its height.
			if h, ok := fetaBraceHeight(m.name); ok {
				h *= m.size
				first, last := -1, -1
				for _, i := range idx {
					s := r.staves[i]
					if s.mid() >= m.y-h/2 && s.mid() <= m.y+h/2 {
						if first < 0 {
							first = i
						}
						last = i
					}
				}
				if first >= 0 {
					if ext := r.staves[last].y1 - r.staves[first].y0; ext < 0.75*h || ext > 1.25*h {
						continue // it joins staves that are not five-line ones
					}
				}
				add(first, last)
				continue
			}
			add(centred(r.staves, idx, m.y))
		}
	case kindBracketTop:
		for _, m := range r.marks {
			if m.kind != kindBracketTop {
				continue
			}
			idx := left(m.x)
			// The bottom tip below it, at the same x, ends the bracket.
			best := math.Inf(1)
			var bottom *mark
			for j := range r.marks {
				b := &r.marks[j]
				if b.kind == kindBracketBottom && math.Abs(b.x-m.x) < 2 && b.y > m.y && b.y-m.y < best {
					best, bottom = b.y-m.y, b
				}
			}
			if bottom == nil {
				continue
			}
			first, last := -1, -1
			for _, i := range idx {
				s := r.staves[i]
				if s.mid() > m.y && s.mid() < bottom.y {
					if first < 0 {
						first = i
					}
					last = i
				}
			}
			add(first, last)
		}
		// A thick vertical line left of the staves is a bracket drawn without tips.
		for _, v := range r.vlines {
			idx := left(v.x0)
			if len(idx) < 2 {
				continue
			}
			if s := r.staves[idx[0]]; v.x0+v.width/2 > s.x0-s.space/10 || v.width < 0.3*s.space {
				continue
			}
			first, last := -1, -1
			for _, i := range idx {
				s := r.staves[i]
				if v.y0 <= s.y0+s.space && v.y1 >= s.y1-s.space {
					if first < 0 {
						first = i
					}
					last = i
				}
			}
			add(first, last)
		}
	}
	// Braces and brackets drawn as paths.
	for _, sh := range r.pg.shapes {
		idx := left(sh.x1)
		if len(idx) < 2 {
			continue
		}
		s := r.staves[idx[0]]
		isBrace := sh.curved && braceProfile(sh)
		if isBrace != (k == kindBrace) || sh.x1 > s.x0+s.space/4 {
			continue
		}
		// A bracket is thick and stands clear of the staves (a system's start line is
		// thin and on their left end).
		if !isBrace && (sh.x1 > s.x0-s.space/10 || sh.x1-sh.x0 < 0.3*s.space) {
			continue
		}
		first, last := -1, -1
		for _, i := range idx {
			s := r.staves[i]
			if s.mid() > sh.y0 && s.mid() < sh.y1 {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first >= 0 && sh.y1-sh.y0 < 0.8*(r.staves[last].y1-r.staves[first].y0) {
			continue
		}
		add(first, last)
	}
	return out
}

// fetaBraceHeights are the heights, in ems, of LilyPond's braces brace0, brace8, …
// brace568 and brace575 (Emmentaler-Brace, measured from its outlines).
var fetaBraceHeights = []float64{526, 620, 718, 816, 918, 1024, 1130, 1240, 1348, 1464, 1580, 1704, 1828, 1952, 2084, 2216, 2352, 2496, 2640, 2784, 2940, 3096, 3252, 3414, 3584, 3752, 3928, 4112, 4296, 4488, 4680, 4880, 5080, 5290, 5510, 5730, 5960, 6190, 6420, 6670, 6912, 7176, 7440, 7704, 7980, 8268, 8556, 8856, 9156, 9464, 9786, 10122, 10458, 10808, 11158, 11522, 11888, 12272, 12672, 13072, 13472, 13904, 14336, 14784, 15228, 15696, 16182, 16668, 17172, 17694, 18216, 18756, 19242}

// fetaBraceHeight is the height in ems of LilyPond's brace glyph name ("brace178").
func fetaBraceHeight(name string) (float64, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "brace"))
	if err != nil || n < 0 || n > 575 {
		return 0, false
	}
	i, step := n/8, 8.0
	if i >= 71 {
		i, step = 71, 7
	}
	lo, hi := fetaBraceHeights[i], fetaBraceHeights[i+1]
	return (lo + (hi-lo)*float64(n-i*8)/step) / 1000, true
}

// centred returns the staves a sign centred at y joins, among idx (top to bottom): the
// two around the gap y is in, or the three around the staff y is on.
func centred(staves []staff, idx []int, y float64) (int, int) {
	for n, i := range idx {
		s := staves[i]
		if y >= s.y0 && y <= s.y1 {
			if n > 0 && n+1 < len(idx) {
				return idx[n-1], idx[n+1]
			}
			return -1, -1
		}
		if n+1 < len(idx) && y > s.y1 && y < staves[idx[n+1]].y0 {
			return i, idx[n+1]
		}
	}
	return -1, -1
}

// braceProfile tells a brace from a bracket drawn as a path: a brace's point, at
// mid-height, is its leftmost part, while a quarter of the way from either end its left
// edge has curved away to the right; a bracket's left edge is straight from end to end.
func braceProfile(sh shape) bool {
	h, w := sh.y1-sh.y0, sh.x1-sh.x0
	midMin, quarterMin := math.Inf(1), math.Inf(1)
	for _, p := range sh.pts {
		switch rel := (p.y - sh.y0) / h; {
		case rel > 0.45 && rel < 0.55:
			midMin = math.Min(midMin, p.x)
		case (rel > 0.25 && rel < 0.4) || (rel > 0.6 && rel < 0.75):
			quarterMin = math.Min(quarterMin, p.x)
		}
	}
	return !math.IsInf(midMin, 0) && !math.IsInf(quarterMin, 0) && quarterMin-midMin > 0.3*w
}

// onStaff lists the music marks that belong to staff si, sorted left to right: those
// within its width, at most pad spaces above or below it, and nearer to it than to any
// other staff.
func (r *reading) onStaff(si int, pad float64) []mark {
	s := r.staves[si]
	var out []mark
	for i, m := range r.marks {
		if r.owner[i] == si && m.y >= s.y0-pad*s.space && m.y <= s.y1+pad*s.space {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].x < out[j].x })
	return out
}

// own finds, for each music mark, the staff it belongs to: the nearest one (by distance
// from its lines) whose width holds it; -1 for none.
func (r *reading) own() {
	r.owner = make([]int, len(r.marks))
	for i, m := range r.marks {
		r.owner[i] = -1
		best := math.Inf(1)
		for si, s := range r.staves {
			if m.x < s.x0-s.space || m.x > s.x1+s.space {
				continue
			}
			d := math.Max(0, math.Max(s.y0-m.y, m.y-s.y1))
			if d < best {
				best, r.owner[i] = d, si
			}
		}
	}
}

// clef returns the clef at the start of staff si, or nil.
func (r *reading) clef(si int) *mark {
	s := r.staves[si]
	for _, m := range r.onStaff(si, 2) {
		if m.x > s.x0+8*s.space {
			break
		}
		if m.kind.clef() {
			return &m
		}
	}
	return nil
}

// clefName names a clef by its sign and the line it stands on.
func clefName(c *mark, s staff) string {
	if c == nil {
		return ""
	}
	line := math.Round(s.step(c.y)/2) + 1 // 1 is the bottom line
	known := c.fam == familyFeta || c.fam == familySMuFL
	switch c.kind {
	case kindClefG:
		return "treble"
	case kindClefF:
		if known && line == 3 {
			return "baritone"
		}
		return "bass"
	case kindClefC:
		if !known {
			return "alto"
		}
		switch line {
		case 1:
			return "soprano"
		case 2:
			return "mezzo-soprano"
		case 4:
			return "tenor"
		case 5:
			return "baritone"
		}
		return "alto"
	case kindClefPercussion:
		return "percussion"
	case kindClefTab:
		return "tab"
	}
	return ""
}

// bottomLetter is the letter (0 = C … 6 = B) and octave of a clef's bottom line, for
// reading pitches: treble E4, bass G2, alto F3…
func bottomNote(clef string) (int, bool) {
	// Diatonic index: octave*7 + letter.
	switch clef {
	case "treble":
		return 4*7 + 2, true
	case "bass":
		return 2*7 + 4, true
	case "alto":
		return 3*7 + 3, true
	case "tenor":
		return 3*7 + 1, true
	case "soprano":
		return 4*7 + 0, true
	case "mezzo-soprano":
		return 3*7 + 5, true
	case "baritone":
		return 2*7 + 6, true
	}
	return 0, false
}

// The order in which sharps and flats enter a key signature, as letters (0 = C).
var (
	sharpOrder = []int{3, 0, 4, 1, 5, 2, 6} // F C G D A E B
	flatOrder  = []int{6, 2, 5, 1, 4, 0, 3} // B E A D G C F
)

// staffKey reads the key signature of staff si after its clef: the sharps or flats that
// follow the clef closely, standing on the letters (and in the order) a key signature
// uses. ok is false when it cannot be read.
func (r *reading) staffKey(si int, c *mark) (fifths int, ok bool) {
	s := r.staves[si]
	if c == nil {
		return 0, false
	}
	clef := clefName(c, s)
	base, pitched := bottomNote(clef)
	if !pitched {
		return 0, false
	}
	var acc []mark
	var next *mark // what follows the signature
	prev := c.x
	marks := r.onStaff(si, 3)
	for _, m := range marks {
		if m.x <= c.x+s.space/2 {
			continue
		}
		if m.kind == kindFlat || m.kind == kindSharp {
			if (len(acc) == 0 && m.x-c.x > 7*s.space) || (len(acc) > 0 && (m.x-prev > 2.2*s.space || m.kind != acc[0].kind)) {
				next = &m
				break
			}
			acc = append(acc, m)
			prev = m.x
			continue
		}
		if m.fam != familySonata && m.size < 0.6*c.size {
			continue // a small sign (the octave's 8 under a clef)
		}
		next = &m
		break
	}
	if next == nil {
		return 0, false
	}
	// An accidental right before a notehead on its line or space is the note's (a chord's
	// accidentals stand in columns before it).
	notes := acc[:0:0]
	kept := acc[:0]
	for _, a := range acc {
		own := false
		for _, n := range marks {
			if n.kind == kindNotehead && n.x > a.x && n.x-a.x <= 1.6*s.space && math.Abs(s.step(n.y)-s.step(a.y)) < 0.6 {
				own = true
				break
			}
		}
		if own {
			notes = append(notes, a)
		} else {
			kept = append(kept, a)
		}
	}
	acc = kept
	if len(notes) > 0 && len(acc) > 0 && notes[0].x < acc[len(acc)-1].x {
		return 0, false // a note's accidental amid the others: not a signature
	}
	if len(acc) == 0 && len(notes) > 0 {
		return 0, true // the first note follows the clef
	}
	if len(acc) == 0 {
		switch next.kind {
		case kindNotehead, kindRest, kindTimeSig, kindNatural:
			return 0, true
		}
		return 0, false
	}
	if len(acc) > 7 {
		return 0, false
	}
	order := sharpOrder
	if acc[0].kind == kindFlat {
		order = flatOrder
	}
	letters := make([]int, len(acc))
	for i, a := range acc {
		letters[i] = ((base+int(math.Round(s.step(a.y))))%7 + 7) % 7
	}
	// The Sonata layout's fonts place their origin differently: accept the pattern at any
	// shift there.
	shifts := []int{0}
	if acc[0].fam == familySonata {
		shifts = []int{0, 1, 2, 3, 4, 5, 6}
	}
	for _, sh := range shifts {
		match := true
		for i, l := range letters {
			if (l+sh)%7 != order[i] {
				match = false
				break
			}
		}
		if match {
			if acc[0].kind == kindFlat {
				return -len(acc), true
			}
			return len(acc), true
		}
	}
	return 0, false
}

// keySignature is the signature most of the system's staves agree on (a transposing
// instrument's differs); on a tie, the lowest staff's.
func (r *reading) keySignature(sys system, clefs []*mark) (int, bool) {
	votes := map[int]int{}
	best, bestVotes := 0, 0
	for i := len(sys.staves) - 1; i >= 0; i-- {
		f, ok := r.staffKey(sys.staves[i], clefs[i])
		if !ok {
			continue
		}
		votes[f]++
		if votes[f] > bestVotes {
			best, bestVotes = f, votes[f]
		}
	}
	return best, bestVotes > 0
}

// textLine is text on one baseline.
type textLine struct {
	x0, x1, y float64
	size      float64
	words     []textWord
}

type textWord struct {
	x0, x1 float64
	s      string
}

func (l textLine) String() string {
	ws := make([]string, len(l.words))
	for i, w := range l.words {
		ws[i] = w.s
	}
	return strings.Join(ws, " ")
}

// lines gathers text glyphs into lines and words: glyphs on one baseline, a word ending
// where the gap to the next glyph is wider than a space.
func lines(ms []mark) []textLine {
	sorted := append([]mark(nil), ms...)
	sort.Slice(sorted, func(i, j int) bool {
		if math.Abs(sorted[i].y-sorted[j].y) > 0.2*math.Max(sorted[i].size, 1) {
			return sorted[i].y < sorted[j].y
		}
		return sorted[i].x < sorted[j].x
	})
	var out []textLine
	for _, m := range sorted {
		n := len(out)
		if n > 0 && math.Abs(out[n-1].y-m.y) <= 0.2*math.Max(m.size, 1) {
			l := &out[n-1]
			w := &l.words[len(l.words)-1]
			// A word ends at a space, or where the gap after the last glyph is wider
			// than letters leave (a space drawn as a move).
			if m.r == ' ' || m.x-w.x1 > 0.1*m.size {
				l.words = append(l.words, textWord{x0: m.x, x1: m.x})
				w = &l.words[len(l.words)-1]
			}
			if m.r != ' ' {
				w.s += string(m.r)
				w.x1 = m.x + m.adv
				l.x1 = w.x1
			} else {
				w.x0, w.x1 = m.x+m.adv, m.x+m.adv
			}
			continue
		}
		if m.r == ' ' {
			continue
		}
		out = append(out, textLine{x0: m.x, x1: m.x + m.adv, y: m.y, size: m.size, words: []textWord{{x0: m.x, x1: m.x + m.adv, s: string(m.r)}}})
	}
	for i := range out {
		ws := out[i].words[:0]
		for _, w := range out[i].words {
			if w.s != "" {
				ws = append(ws, w)
			}
		}
		out[i].words = ws
	}
	return out
}

// names reads the instrument names printed left of the system's staves, top to bottom:
// the lines of text there, gathered into one name per staff they stand beside (a name
// between a brace's staves names them both).
func (r *reading) names(sys system) []namedStaff {
	top := r.staves[sys.staves[0]]
	bottom := r.staves[sys.staves[len(sys.staves)-1]]
	left := math.Inf(1)
	for _, si := range sys.staves {
		left = math.Min(left, r.staves[si].x0)
	}
	limit := left
	var ms []mark
	for _, m := range r.text {
		if m.x < limit && m.y >= top.y0-3*top.space && m.y <= bottom.y1+3*top.space {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return nil
	}
	byStaff := map[int][]string{}
	for _, l := range lines(ms) {
		if l.x1 > limit || onlyDigits(l.String()) {
			continue
		}
		// The staff (or the gap within a brace) the line stands beside.
		best, dist := 0, math.Inf(1)
		for i, si := range sys.staves {
			s := r.staves[si]
			if d := math.Abs(l.y - s.space - s.mid()); d < dist {
				best, dist = i, d
			}
		}
		for _, b := range sys.braces {
			lo, hi := r.staves[sys.staves[b[0]]], r.staves[sys.staves[b[1]]]
			if l.y > lo.y1 && l.y < hi.y0+hi.space*2 {
				best = b[0]
			}
		}
		byStaff[best] = append(byStaff[best], l.String())
	}
	var out []namedStaff
	for i := range sys.staves {
		if ls, ok := byStaff[i]; ok {
			out = append(out, namedStaff{staff: i, text: strings.Join(ls, " ")})
		}
	}
	return out
}

// namedStaff is a name printed before a system, and the staff (index in the system) it
// stands beside.
type namedStaff struct {
	staff int
	text  string
}

func onlyDigits(s string) bool {
	for _, c := range s {
		if !unicode.IsDigit(c) && !unicode.IsSpace(c) && !unicode.IsPunct(c) {
			return false
		}
	}
	return true
}

// lyrics reports whether staff si carries words under its notes: a line of text below
// it (above the next staff, next ≥ 0), within its width, whose syllables, at least three,
// stand each under a note of its own (a syllable is centred on its note, give or take),
// and are no more than the notes. Prose under a music example (a manual's page) runs past
// the staff or has more words than notes.
func (r *reading) lyrics(si, next int) bool {
	s := r.staves[si]
	if s.tab {
		return false
	}
	lo, hi := s.y1+s.space/2, s.y1+8*s.space
	if next >= 0 {
		hi = math.Min(hi, r.staves[next].y0-s.space/2)
	}
	var ms []mark
	for _, m := range r.text {
		// Words in italics are directions (dolce, cresc. poco a poco), not lyrics.
		if m.x >= s.x0-4*s.space && m.x <= s.x1+4*s.space && m.y > lo && m.y < hi && !italic(m.font) {
			ms = append(ms, m)
		}
	}
	if len(ms) < 3 {
		return false
	}
	// Note columns: the centres of the staff's noteheads, chords counted once.
	var columns []float64
	for _, m := range r.onStaff(si, 6) {
		if m.kind != kindNotehead {
			continue
		}
		c := m.x + 0.6*s.space
		if n := len(columns); n == 0 || c-columns[n-1] > 0.5*s.space {
			columns = append(columns, c)
		}
	}
	for _, l := range lines(ms) {
		if l.x0 < s.x0-s.space || l.x1 > s.x1+2*s.space {
			continue
		}
		var syllables []textWord
		for _, w := range l.words {
			if hasLetter(w.s) {
				syllables = append(syllables, w)
			}
		}
		if len(syllables) < 3 {
			continue
		}
		notes := 0
		for _, c := range columns {
			if c >= l.x0-2*s.space && c <= l.x1+2*s.space {
				notes++
			}
		}
		if len(syllables) > notes+1 {
			continue
		}
		used := make([]bool, len(columns))
		under := 0
		for _, w := range syllables {
			mid := (w.x0 + w.x1) / 2
			for k, c := range columns {
				if !used[k] && math.Abs(c-mid) <= 1.5*s.space+0.25*(w.x1-w.x0) {
					used[k] = true
					under++
					break
				}
			}
		}
		if float64(under) >= 0.7*float64(len(syllables)) {
			return true
		}
	}
	return false
}

func italic(font string) bool {
	f := strings.ToLower(font)
	return strings.Contains(f, "italic") || strings.Contains(f, "oblique") || strings.Contains(f, "ita") || strings.HasSuffix(f, "-it") || strings.Contains(f, "-it-")
}

func hasLetter(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) {
			return true
		}
	}
	return false
}

// readSystems finds the page's staves (those with music on them) and groups them into
// systems, top to bottom; nil when the page has none.
func readSystems(pg *page) (*reading, []system) {
	r := &reading{pg: pg, staves: findStaves(pg.hlines)}
	if len(r.staves) == 0 {
		return nil, nil
	}
	for _, g := range pg.glyphs {
		k, fam := classify(g)
		m := mark{glyph: g, kind: k, fam: fam}
		if k == kindText {
			if g.r > ' ' && unicode.IsPrint(g.r) {
				r.text = append(r.text, m)
			}
			continue
		}
		r.marks = append(r.marks, m)
	}
	r.own()
	// Five ruled lines with no music on them are a table, or music drawn as outlines only,
	// which this does not read.
	counts := make([]int, len(r.staves))
	for _, o := range r.owner {
		if o >= 0 {
			counts[o]++
		}
	}
	// A tablature's fret numbers are often set in a text font.
	for i, s := range r.staves {
		if !s.tab || counts[i] > 0 {
			continue
		}
		for _, t := range r.text {
			if t.x >= s.x0 && t.x <= s.x1 && t.y >= s.y0 && t.y <= s.y1+s.space {
				counts[i]++
			}
		}
	}
	kept := r.staves[:0]
	for i, s := range r.staves {
		if counts[i] > 0 && len(kept) < maxStaves {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return nil, nil
	}
	r.staves = kept
	r.own()
	r.vlines = mergeVertical(pg.vlines)
	return r, r.systems()
}
