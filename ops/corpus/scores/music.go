package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A key as the ground truth names it ("E-flat major"): the tonic's letter (0 = C … 6 = B),
// its accidental (-1 flat, +1 sharp) and the mode.
type key struct {
	letter, acc int
	minor       bool
}

var (
	letterNames = [7]string{"C", "D", "E", "F", "G", "A", "B"}
	letterSemis = [7]int{0, 2, 4, 5, 7, 9, 11}
	majorSteps  = [7]int{0, 2, 4, 5, 7, 9, 11}
	minorSteps  = [7]int{0, 2, 3, 5, 7, 8, 10}
)

// parseKey reads the ground truth's spelling: "C major", "F-sharp minor", "E-flat major".
func parseKey(s string) (key, error) {
	var k key
	parts := strings.Fields(s)
	if len(parts) != 2 || (parts[1] != "major" && parts[1] != "minor") {
		return k, fmt.Errorf("key %q: want \"<tonic> major|minor\"", s)
	}
	k.minor = parts[1] == "minor"
	tonic := parts[0]
	switch {
	case strings.HasSuffix(tonic, "-flat"):
		k.acc, tonic = -1, strings.TrimSuffix(tonic, "-flat")
	case strings.HasSuffix(tonic, "-sharp"):
		k.acc, tonic = 1, strings.TrimSuffix(tonic, "-sharp")
	}
	for i, n := range letterNames {
		if n == tonic {
			k.letter = i
			return k, nil
		}
	}
	return k, fmt.Errorf("key %q: unknown tonic", s)
}

func (k key) String() string {
	s := letterNames[k.letter]
	switch k.acc {
	case -1:
		s += "-flat"
	case 1:
		s += "-sharp"
	}
	if k.minor {
		return s + " minor"
	}
	return s + " major"
}

// keySignature names a key's signature as the product's key_signature does: "3 flats",
// "1 sharp", "no sharps or flats".
func keySignature(s string) string {
	k, err := parseKey(s)
	if err != nil {
		return ""
	}
	switch f := k.fifths(); {
	case f == 0:
		return "no sharps or flats"
	case f == 1:
		return "1 sharp"
	case f == -1:
		return "1 flat"
	case f > 0:
		return fmt.Sprintf("%d sharps", f)
	default:
		return fmt.Sprintf("%d flats", -f)
	}
}

// fifths is the key signature: sharps positive, flats negative.
func (k key) fifths() int {
	// Sharps of the major keys by letter, C G D A E B F# …: position on the circle of fifths.
	major := map[int]int{0: 0, 1: 2, 2: 4, 3: -1, 4: 1, 5: 3, 6: 5}
	l, a := k.letter, k.acc
	if k.minor { // the relative major: a minor third up
		l = (l + 2) % 7
		semi := (letterSemis[k.letter] + k.acc + 3) % 12
		a = semi - letterSemis[l]
		if a > 6 {
			a -= 12
		} else if a < -6 {
			a += 12
		}
	}
	return major[l] + 7*a
}

// degreeAcc is the accidental of each scale degree (natural minor for minor keys).
func (k key) degreeAcc() [7]int {
	steps := majorSteps
	if k.minor {
		steps = minorSteps
	}
	var out [7]int
	for i := range 7 {
		l := (k.letter + i) % 7
		target := (letterSemis[k.letter] + k.acc + steps[i]) % 12
		a := target - letterSemis[l]
		for a > 6 {
			a -= 12
		}
		for a < -6 {
			a += 12
		}
		out[i] = a
	}
	return out
}

// lilyName is a pitch's name in LilyPond's (Dutch) input language, without octave marks.
func lilyName(letter, acc int) string {
	n := strings.ToLower(letterNames[letter])
	switch acc {
	case 1:
		return n + "is"
	case 2:
		return n + "isis"
	case -1:
		if n == "e" || n == "a" {
			return n + "s"
		}
		return n + "es"
	case -2:
		if n == "e" || n == "a" {
			return n + "ses"
		}
		return n + "eses"
	}
	return n
}

// lilyKey is the \key command of k.
func (k key) lilyKey() string {
	mode := `\major`
	if k.minor {
		mode = `\minor`
	}
	return `\key ` + lilyName(k.letter, k.acc) + " " + mode
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int) int { return a - floorDiv(a, b)*b }

// note is scale degree deg (0 = the tonic, 7 the tonic an octave up, negative below) with the
// tonic in octave oct (scientific: 4 holds middle C), in LilyPond's absolute notation.
// leading raises the seventh degree in minor (the dominant's third).
func (k key) note(deg, oct int, leading bool) string {
	acc := k.degreeAcc()[mod(deg, 7)]
	if leading && k.minor && mod(deg, 7) == 6 {
		acc++
	}
	step := oct*7 + k.letter + deg
	o := floorDiv(step, 7)
	s := lilyName(mod(step, 7), acc)
	switch {
	case o > 3:
		s += strings.Repeat("'", o-3)
	case o < 3:
		s += strings.Repeat(",", 3-o)
	}
	return s
}

// meter is a time signature and how the generated music fills a bar.
type meter struct {
	sig     string
	beats   int
	beatDur string // a beat's duration
	sub     int    // notes per beat in running figures
	subDur  string
	barDur  string // a whole bar
}

var meters = map[string]meter{
	"4/4":  {sig: "4/4", beats: 4, beatDur: "4", sub: 2, subDur: "8", barDur: "1"},
	"2/2":  {sig: "2/2", beats: 2, beatDur: "2", sub: 4, subDur: "8", barDur: "1"},
	"3/4":  {sig: "3/4", beats: 3, beatDur: "4", sub: 2, subDur: "8", barDur: "2."},
	"2/4":  {sig: "2/4", beats: 2, beatDur: "4", sub: 2, subDur: "8", barDur: "2"},
	"6/8":  {sig: "6/8", beats: 2, beatDur: "4.", sub: 3, subDur: "8", barDur: "2."},
	"9/8":  {sig: "9/8", beats: 3, beatDur: "4.", sub: 3, subDur: "8", barDur: "2."},
	"12/8": {sig: "12/8", beats: 4, beatDur: "4.", sub: 3, subDur: "8", barDur: "1."},
	"3/8":  {sig: "3/8", beats: 1, beatDur: "4.", sub: 3, subDur: "8", barDur: "4."},
}

// whole is a note or chord (without duration) held for a whole bar; 9/8's bar has no
// single duration: a dotted half tied to a dotted quarter.
func (m meter) whole(n string) string {
	if m.sig == "9/8" {
		return n + "2.~ " + n + "4."
	}
	return n + m.barDur
}

// spacer is a bar of nothing, for the global voice.
func (m meter) spacer() string {
	if m.sig == "9/8" {
		return "s4.*3"
	}
	return "s" + m.barDur
}

// progressions of chord roots (scale degrees), one chord a bar; every piece ends V–I.
var progressions = [][]int{
	{0, 3, 4, 0},
	{0, 5, 1, 4},
	{0, 3, 0, 4},
	{0, 4, 5, 3},
	{0, 1, 4, 0},
}

// harmony is the chord root of every bar: a progression repeated, tonic first, V–I last.
func harmony(rng *rand.Rand, bars int) []int {
	p := progressions[rng.IntN(len(progressions))]
	out := make([]int, bars)
	for i := range out {
		out[i] = p[i%len(p)]
	}
	if bars >= 2 {
		out[bars-2] = 4
	}
	out[bars-1] = 0
	out[0] = 0
	return out
}

// part writes one staff's notes over the harmony.
type part struct {
	k    key
	m    meter
	rng  *rand.Rand
	bars []int
}

func (p part) chordNote(root, i, oct int) string {
	return p.k.note(root+i, oct, root == 4)
}

// triad is the chord on root as a LilyPond chord in octave oct.
func (p part) triad(root, oct int, dur string) string {
	return "<" + p.chordNote(root, 0, oct) + " " + p.chordNote(root, 2, oct) + " " + p.chordNote(root, 4, oct) + ">" + dur
}

// figuration: running notes over each bar's chord (arpeggios or scales), the last bar a
// held tonic chord.
func (p part) figuration(oct int) string {
	var b strings.Builder
	n := p.m.beats * p.m.sub
	for bi, root := range p.bars {
		if bi == len(p.bars)-1 {
			b.WriteString(p.m.whole(p.triad(0, oct, "")) + " ")
			continue
		}
		shape := p.rng.IntN(3)
		for i := range n {
			var deg int
			switch shape {
			case 0: // up and down the chord
				seq := []int{0, 2, 4, 7, 4, 2}
				deg = root + seq[i%len(seq)]
			case 1: // a scale run from the root
				deg = root + i%8
			default: // broken chord, up
				seq := []int{0, 4, 2, 4}
				deg = root + seq[i%len(seq)]
			}
			s := p.k.note(deg, oct, root == 4)
			if i == 0 {
				s += p.m.subDur
			}
			b.WriteString(s + " ")
		}
	}
	return b.String()
}

// melody: one chord or scale tone a beat (words fit one a note), the last bar the tonic.
func (p part) melody(oct int) (string, int) {
	var b strings.Builder
	notes := 0
	for bi, root := range p.bars {
		if bi == len(p.bars)-1 {
			b.WriteString(p.m.whole(p.k.note(0, oct, false)) + " ")
			notes++
			continue
		}
		for i := range p.m.beats {
			deg := root + []int{0, 2, 4, 2}[(i+p.rng.IntN(2))%4]
			if deg > 6 {
				deg -= 7
			}
			b.WriteString(p.k.note(deg, oct, root == 4) + p.m.beatDur + " ")
			notes++
		}
	}
	return b.String(), notes
}

// bass: the chord's root on the first beat, the chord on the others; the tonic to end.
// The chords sit an octave above the root, but no higher than the bass staff holds.
func (p part) bass(oct int, chords bool) string {
	var b strings.Builder
	chordOct := oct + 1
	if p.k.letter >= 4 { // G, A, B: their chords would climb above the staff
		chordOct = oct
	}
	for bi, root := range p.bars {
		if bi == len(p.bars)-1 {
			b.WriteString(p.m.whole("<"+p.k.note(0, oct, false)+" "+p.k.note(7, oct, false)+">") + " ")
			continue
		}
		r := root
		if r > 4 {
			r -= 7
		}
		b.WriteString(p.k.note(r, oct, false) + p.m.beatDur + " ")
		for range p.m.beats - 1 {
			if chords {
				b.WriteString(p.triad(r, chordOct, p.m.beatDur) + " ")
			} else {
				b.WriteString(p.k.note(r+4, oct, root == 4) + p.m.beatDur + " ")
			}
		}
	}
	return b.String()
}

// sustained: one chord tone a bar (inner parts, pedal, timpani), the tonic to end.
func (p part) sustained(oct, tone int) string {
	var b strings.Builder
	for bi, root := range p.bars {
		deg := root + tone
		if bi == len(p.bars)-1 {
			deg = tone // a tone of the tonic chord
		}
		if deg > 6 {
			deg -= 7
		}
		b.WriteString(p.m.whole(p.k.note(deg, oct, root == 4 && bi != len(p.bars)-1)) + " ")
	}
	return b.String()
}

// line: one chord tone a beat (tone 0 the root, 2 the third, 4 the fifth: inner and lower
// parts), the tonic chord's tone to end. As many notes as melody, so words fit both.
func (p part) line(oct, tone int) string {
	var b strings.Builder
	for bi, root := range p.bars {
		if bi == len(p.bars)-1 {
			b.WriteString(p.m.whole(p.k.note(tone, oct, false)) + " ")
			continue
		}
		deg := root + tone
		if deg > 6 {
			deg -= 7
		}
		for range p.m.beats {
			b.WriteString(p.k.note(deg, oct, root == 4) + p.m.beatDur + " ")
		}
	}
	return b.String()
}
