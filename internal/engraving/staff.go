package engraving

import (
	"math"
	"sort"
)

// staff is five equally spaced horizontal lines (or six, a tablature's): its extent, from the top line (y0) to
// the bottom line (y1), and the distance between two lines (a staff space, the unit every
// other measure below is taken in).
type staff struct {
	x0, x1 float64
	y0, y1 float64
	space  float64
	tab    bool // six lines: a guitar's tablature
}

func (s staff) mid() float64 { return (s.y0 + s.y1) / 2 }

// step is the staff position of y: 0 on the bottom line, 1 in the space above it, 2 on
// the second line… (negative below the staff).
func (s staff) step(y float64) float64 { return (s.y1 - y) / (s.space / 2) }

// mergeLines joins collinear pieces of horizontal lines: many programs draw a staff line
// bar by bar, or in pieces around a clef.
func mergeLines(in []line) []line {
	ls := append([]line(nil), in...)
	sort.Slice(ls, func(i, j int) bool {
		if math.Abs(ls[i].y0-ls[j].y0) > 0.05 {
			return ls[i].y0 < ls[j].y0
		}
		return ls[i].x0 < ls[j].x0
	})
	var out []line
	for _, l := range ls {
		merged := false
		// Pieces of one line are at the same y, of the same width: look back among the
		// lines just added that are still at this y.
		for k := len(out) - 1; k >= 0 && l.y0-out[k].y0 <= 0.1; k-- {
			o := &out[k]
			if math.Abs(o.y0-l.y0) <= 0.1 && l.x0 <= o.x1+2 && l.x1 >= o.x0-2 && math.Abs(o.width-l.width) <= 0.2*math.Max(o.width, l.width)+0.01 {
				o.x0, o.x1 = math.Min(o.x0, l.x0), math.Max(o.x1, l.x1)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, l)
		}
	}
	return out
}

// findStaves finds the five-line staves among the page's horizontal lines, top to bottom.
func findStaves(hlines []line) []staff {
	var ls []line
	for _, l := range mergeLines(hlines) {
		if l.x1-l.x0 >= 20 && l.width <= 3 {
			ls = append(ls, l)
		}
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].y0 < ls[j].y0 })
	used := make([]bool, len(ls))
	var staves []staff
	for i := range ls {
		if used[i] {
			continue
		}
		a := ls[i]
		// The next line down that lies along a is the staff's second line, which gives
		// the spacing; the other three must follow at the same spacing.
		for j := i + 1; j < len(ls); j++ {
			d := ls[j].y0 - a.y0
			if d > 25 {
				break
			}
			if used[j] || d < 1.5 || !alongside(a, ls[j]) {
				continue
			}
			idx := []int{i, j}
			for k := 2; k <= 6; k++ {
				n := findLine(ls, used, a, a.y0+float64(k)*d, d*0.12, j)
				if n < 0 {
					break
				}
				idx = append(idx, n)
			}
			if len(idx) < 5 {
				continue
			}
			// Staves are of five lines, or six for a guitar's tablature; more, or a line
			// above at the same spacing, make a grid.
			if len(idx) > 6 || findLine(ls, used, a, a.y0-d, d*0.12, -1) >= 0 || a.width > 0.3*d {
				break
			}
			last := ls[idx[len(idx)-1]].y0
			s := staff{x0: a.x0, x1: a.x1, y0: a.y0, y1: last, space: (last - a.y0) / float64(len(idx)-1), tab: len(idx) == 6}
			for _, k := range idx {
				used[k] = true
				s.x0, s.x1 = math.Min(s.x0, ls[k].x0), math.Max(s.x1, ls[k].x1)
			}
			// Lines as long as the staff is wide, not ledger lines or a beam's edge.
			if s.x1-s.x0 < 8*s.space {
				for _, k := range idx {
					used[k] = false
				}
				continue
			}
			staves = append(staves, s)
			break
		}
	}
	sort.Slice(staves, func(i, j int) bool {
		if math.Abs(staves[i].y0-staves[j].y0) > staves[i].space {
			return staves[i].y0 < staves[j].y0
		}
		return staves[i].x0 < staves[j].x0
	})
	return staves
}

// alongside: a and b are lines of one staff, which start and end together and are drawn
// alike (a beam's edges and a ledger line are shorter, a beam thicker).
func alongside(a, b line) bool {
	overlap := math.Min(a.x1, b.x1) - math.Max(a.x0, b.x0)
	return overlap >= 0.9*math.Max(a.x1-a.x0, b.x1-b.x0) && math.Abs(a.width-b.width) <= 0.3*math.Max(a.width, b.width)+0.05
}

// findLine returns the index of an unused line at y (within tol) lying along a, or -1;
// with from ≥ 0 it looks only past from.
func findLine(ls []line, used []bool, a line, y, tol float64, from int) int {
	start := 0
	if from >= 0 {
		start = from + 1
	}
	k := sort.Search(len(ls), func(n int) bool { return ls[n].y0 >= y-tol })
	start = max(start, k)
	for n := start; n < len(ls) && ls[n].y0 <= y+tol; n++ {
		if !used[n] && alongside(a, ls[n]) {
			return n
		}
	}
	return -1
}
