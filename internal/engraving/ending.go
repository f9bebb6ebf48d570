package engraving

import (
	"context"
	"math"
	"sort"

	"github.com/mirubato/mirubato/internal/metadata"
)

// Ending is what the last system of a page says of how the piece ends: the key signature
// in force there and the final chord, read as pitch classes (0 = C … 11 = B) with the
// signature's and the notes' own accidentals.
type Ending struct {
	Fifths           int
	KeySignatureRead bool
	// Bass is the pitch class of the lowest note of the last chord of the system's lowest
	// pitched staff; -1 when no note was read there.
	Bass int
	// Chord holds the pitch classes of the last chord of every staff of the system,
	// ascending, each once.
	Chord []int
}

// ReadEnding reads the last system of page 1 of pdf (a score's last page): its key
// signature and final chord. It returns nil and no error when the page has no staves it
// can read, or its last system's notes cannot be read (only LilyPond's and SMuFL's
// noteheads are).
func (r Reader) ReadEnding(ctx context.Context, pdf []byte) (*Ending, error) {
	out, err := r.trace(ctx, pdf)
	if err != nil {
		return nil, err
	}
	e := readEnding(parseTrace(out))
	if e == nil {
		return nil, nil //nolint:nilnil // nothing read: the caller keeps the opening's call
	}
	return e, nil
}

// EndingKey calls the key from the end of the piece on its last page (page 1 of pdf),
// given what its first system said (opening, not nil): see CallKey. It returns "" when the
// last system's signature is not the opening's (a piece that modulates, or a page that
// is not the same piece's) or nothing can be called.
func (r Reader) EndingKey(ctx context.Context, pdf []byte, opening *metadata.Music) (string, float64, error) {
	e, err := r.ReadEnding(ctx, pdf)
	if err != nil || e == nil {
		return "", 0, err
	}
	key, conf := CallKey(opening, e)
	return key, conf, nil
}

// readEnding reads the page's last system; nil when it has no staves or no notes read.
func readEnding(pg *page) *Ending {
	r, systems := readSystems(pg)
	if r == nil {
		return nil
	}
	last := systems[len(systems)-1]
	clefs := make([]*mark, len(last.staves))
	for i, si := range last.staves {
		if !r.staves[si].tab {
			clefs[i] = r.clef(si)
		}
	}
	e := &Ending{Bass: -1}
	e.Fifths, e.KeySignatureRead = r.keySignature(last, clefs)
	if !e.KeySignatureRead {
		return nil
	}
	pcs := map[int]bool{}
	for i := len(last.staves) - 1; i >= 0; i-- {
		final := finalChord(r.notes(last.staves[i], clefs[i], e.Fifths), r.staves[last.staves[i]].space)
		if len(final) == 0 {
			continue
		}
		if e.Bass < 0 {
			bass := final[0]
			for _, n := range final {
				if n.midi < bass.midi {
					bass = n
				}
			}
			e.Bass = bass.pc()
		}
		for _, n := range final {
			pcs[n.pc()] = true
		}
	}
	if e.Bass < 0 {
		return nil
	}
	for pc := range pcs {
		e.Chord = append(e.Chord, pc)
	}
	sort.Ints(e.Chord)
	return e
}

// finalChord is the last onset of a staff's notes: those within a notehead's width or so
// of the rightmost (a chord's seconds stand beside its stem).
func finalChord(notes []note, space float64) []note {
	if len(notes) == 0 {
		return nil
	}
	right := math.Inf(-1)
	for _, n := range notes {
		right = math.Max(right, n.x)
	}
	var out []note
	for _, n := range notes {
		if n.x >= right-1.5*space {
			out = append(out, n)
		}
	}
	return out
}

// Confidences of a key called from the ending.
const (
	endingBass  = 0.7  // the final bass note is the tonic
	endingTriad = 0.75 // … under the tonic triad (only its notes, two pitch classes or more)
	endingAgree = 0.85 // … and the opening called the same key
	endingAlone = 0.6  // the opening called the other key of the signature: the ending wins
)

// CallKey calls the key with its mode from the signature of the first system (opening)
// and the ending (e, read on the last page). Music that ends on its tonic (nearly all
// tonal music) names its key by its final bass note: of the signature's two keys, the
// major and its relative minor, the one whose tonic the final bass note is. The final chord
// holding only that tonic's triad raises the confidence; the chord's third is not
// required (a minor piece may end on the major chord, or on a bare fifth or octave).
// When the opening called the same key, the agreement raises it further; when it called
// the other key, the ending is preferred (a piece may open on its relative's chord, but
// ends at home) at a lower confidence. No call ("") when the ending's signature is not
// the opening's (a modulating piece), when nothing was read, or when the final bass note is
// neither tonic (a piece ending on its dominant, a page that is not the end).
func CallKey(opening *metadata.Music, e *Ending) (string, float64) {
	if opening == nil || e == nil || !opening.KeySignatureRead || !e.KeySignatureRead || e.Fifths != opening.Fifths || e.Bass < 0 {
		return "", 0
	}
	fifths := e.Fifths
	major := ((fifths*7)%12 + 12) % 12
	minor := (major + 9) % 12
	var key string
	var tonic, third int
	switch e.Bass {
	case major:
		key, tonic, third = majorNames[fifths]+" major", major, 4
	case minor:
		key, tonic, third = minorNames[fifths]+" minor", minor, 3
	default:
		return "", 0
	}
	conf := endingBass
	if len(e.Chord) >= 2 {
		triad := true
		for _, pc := range e.Chord {
			if pc != tonic && pc != (tonic+third)%12 && pc != (tonic+7)%12 {
				triad = false
			}
		}
		if triad {
			conf = endingTriad
		}
	}
	switch {
	case opening.Key == key:
		conf = math.Max(conf, opening.KeyConfidence) + 0.1
		conf = math.Min(conf, endingAgree)
	case opening.Key != "":
		conf = endingAlone
	}
	return key, conf
}
