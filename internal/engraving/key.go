package engraving

import (
	"math"
	"sort"
)

var (
	majorNames = map[int]string{-7: "C-flat", -6: "G-flat", -5: "D-flat", -4: "A-flat", -3: "E-flat", -2: "B-flat", -1: "F", 0: "C", 1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F-sharp", 7: "C-sharp"}
	minorNames = map[int]string{-7: "A-flat", -6: "E-flat", -5: "B-flat", -4: "F", -3: "C", -2: "G", -1: "D", 0: "A", 1: "E", 2: "B", 3: "F-sharp", 4: "C-sharp", 5: "G-sharp", 6: "D-sharp", 7: "A-sharp"}
	// Semitones above C of the letters C D E F G A B.
	letterPC = [7]int{0, 2, 4, 5, 7, 9, 11}
)

// note is a notehead read as a pitch.
type note struct {
	x    float64
	midi int // 12 per octave from C0; only differences and classes matter
}

func (n note) pc() int { return ((n.midi % 12) + 12) % 12 }

// key calls the key with its mode from a signature of fifths when the opening of the
// first system says which of its two keys the music is in: the lowest note of the first
// chord is that key's tonic and the chord holds only notes of its tonic triad (at least two
// pitch classes: a lone note or octave is no evidence). The raised leading note of the
// minor key, when it recurs in the system, speaks for minor; a major call against it is
// withdrawn. Only LilyPond's and SMuFL's noteheads are read (their origins are known).
func (r *reading) key(sys system, clefs []*mark, fifths int) (string, float64) {
	var notes []note
	for i, si := range sys.staves {
		notes = append(notes, r.notes(si, clefs[i], fifths)...)
	}
	if len(notes) < 2 {
		return "", 0
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].x < notes[j].x })
	space := r.staves[sys.staves[0]].space
	var onset []note
	for _, n := range notes {
		if n.x <= notes[0].x+1.5*space {
			onset = append(onset, n)
		}
	}
	bass := onset[0]
	pcs := map[int]bool{}
	for _, n := range onset {
		pcs[n.pc()] = true
		if n.midi < bass.midi {
			bass = n
		}
	}
	major := ((fifths*7)%12 + 12) % 12
	minor := (major + 9) % 12
	leading := 0 // raised sevenths of the minor key in the system
	for _, n := range notes {
		if n.pc() == (minor+11)%12 {
			leading++
		}
	}
	within := func(tonic, third int) bool {
		if bass.pc() != tonic || len(pcs) < 2 {
			return false
		}
		for pc := range pcs {
			if pc != tonic && pc != (tonic+third)%12 && pc != (tonic+7)%12 {
				return false
			}
		}
		return true
	}
	conf := 0.55
	if len(pcs) == 3 {
		conf = 0.65
	}
	switch {
	case within(major, 4) && leading < 2:
		return majorNames[fifths] + " major", conf
	case within(minor, 3):
		if leading > 0 {
			conf += 0.1
		}
		return minorNames[fifths] + " minor", conf
	}
	return "", 0
}

// notes reads the noteheads of staff si after its clef as pitches, with the key
// signature's and their own accidentals; grace notes (smaller) are left out.
func (r *reading) notes(si int, clef *mark, fifths int) []note {
	s := r.staves[si]
	if clef == nil || (clef.fam != familyFeta && clef.fam != familySMuFL) {
		return nil
	}
	base, ok := bottomNote(clefName(clef, s))
	if !ok {
		return nil
	}
	alter := [7]int{}
	for i := 0; i < fifths && i < 7; i++ {
		alter[sharpOrder[i]] = 1
	}
	for i := 0; i < -fifths && i < 7; i++ {
		alter[flatOrder[i]] = -1
	}
	marks := r.onStaff(si, 6)
	var sizes []float64
	for _, m := range marks {
		if m.kind == kindNotehead {
			sizes = append(sizes, m.size)
		}
	}
	if len(sizes) == 0 {
		return nil
	}
	sort.Float64s(sizes)
	typical := sizes[len(sizes)/2]
	var out []note
	for _, m := range marks {
		if m.kind != kindNotehead || m.x <= clef.x+s.space || m.size < 0.85*typical || m.y > s.y1+5*s.space || m.y < s.y0-5*s.space {
			continue
		}
		step := int(math.Round(s.step(m.y)))
		di := base + step
		letter := ((di % 7) + 7) % 7
		octave := int(math.Floor(float64(di) / 7))
		a := alter[letter]
		// The note's own accidental: just left of it, on its line or space.
		for _, acc := range marks {
			if acc.kind.accidental() && acc.x < m.x && m.x-acc.x <= 3*s.space && math.Abs(s.step(acc.y)-s.step(m.y)) < 0.6 && acc.x > clef.x+s.space {
				switch acc.kind {
				case kindSharp:
					a = 1
				case kindFlat:
					a = -1
				case kindNatural:
					a = 0
				case kindDoubleSharp:
					a = 2
				case kindDoubleFlat:
					a = -2
				}
			}
		}
		out = append(out, note{x: m.x, midi: octave*12 + letterPC[letter] + a})
	}
	return out
}
