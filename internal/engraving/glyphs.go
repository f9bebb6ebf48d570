package engraving

import (
	"regexp"
	"strconv"
	"strings"
)

// kind is what a glyph means to the reader.
type kind int

const (
	kindText  kind = iota // a letter of a text font (titles, names, lyrics)
	kindMusic             // some other symbol of a music font (dynamics, articulations, digits)
	kindClefG
	kindClefF
	kindClefC
	kindClefPercussion
	kindClefTab
	kindFlat
	kindSharp
	kindNatural
	kindDoubleFlat
	kindDoubleSharp
	kindNotehead
	kindRest
	kindTimeSig
	kindBrace
	kindBracketTop
	kindBracketBottom
)

func (k kind) clef() bool       { return k >= kindClefG && k <= kindClefTab }
func (k kind) accidental() bool { return k >= kindFlat && k <= kindDoubleSharp }

// family is how a font lays out its glyphs, which tells where a glyph's origin stands.
type family int

const (
	familyNone   family = iota
	familyFeta          // LilyPond's Emmentaler and fonts with its glyph names
	familySMuFL         // the Standard Music Font Layout (Bravura, Leland, Petaluma, MuseScore's…)
	familySonata        // the older layout of Sonata and the fonts that copied it
)

// Font names, lower-cased, of music fonts. The Sonata layout's fonts come in text
// companions ("Opus Text Std", "Engraver Text") that must read as text.
var (
	smuflFonts  = []string{"bravura", "leland", "petaluma", "sebastian", "gootville", "leipzig", "mscore", "musejazz", "finale maestro", "finale broadway", "finale jazz", "finale ash", "finale legacy", "finale engraver", "ekmelos", "gonville"}
	fetaFonts   = []string{"emmentaler", "feta", "parmesan", "lilyjazz"}
	sonataFonts = []string{"sonata", "petrucci", "maestro", "opus", "helsinki", "inkpen2", "reprise", "engraver", "broadway copyist", "broadwaycopyist", "jazzfont", "norfolk", "golden age", "goldenage"}
)

// fontFamily tells whether name is a music font's, and of which layout.
func fontFamily(name string) family {
	n := strings.ToLower(name)
	for _, f := range fetaFonts {
		if strings.Contains(n, f) {
			return familyFeta
		}
	}
	for _, f := range smuflFonts {
		if strings.Contains(n, f) {
			return familySMuFL
		}
	}
	if strings.Contains(n, "text") || strings.Contains(n, "chord") || strings.Contains(n, "lyric") {
		return familyNone
	}
	for _, f := range sonataFonts {
		if strings.Contains(n, f) {
			return familySonata
		}
	}
	return familyNone
}

// digitNames are the glyph names of Emmentaler's digits, which it draws time signatures
// with (and fingerings, tuplet numbers: smaller, elsewhere). A text font's digits have
// the same names: only a music font's count.
var digitNames = map[string]bool{"zero": true, "one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true, "nine": true}

var braceName = regexp.MustCompile(`^brace\d+$`)

// smuflNames are SMuFL's glyph names, for fonts that keep them but whose text carries no
// Unicode value.
var smuflNames = map[string]rune{
	"brace": 0xE000, "bracketTop": 0xE003, "bracketBottom": 0xE004,
	"gClef": 0xE050, "gClef8vb": 0xE052, "cClef": 0xE05C, "fClef": 0xE062,
	"unpitchedPercussionClef1": 0xE069, "sixStringTabClef": 0xE06D,
	"noteheadWhole": 0xE0A2, "noteheadHalf": 0xE0A3, "noteheadBlack": 0xE0A4,
	"accidentalFlat": 0xE260, "accidentalNatural": 0xE261, "accidentalSharp": 0xE262,
	"accidentalDoubleSharp": 0xE263, "accidentalDoubleFlat": 0xE264,
}

// classify names what g is, and which layout told it. It reads, in order: LilyPond's
// glyph names (any font that has them), SMuFL's code points (any font: the private-use
// code points it assigns are not used by text fonts), and the Sonata layout's character
// codes (only in fonts known to use it, since they are ordinary ASCII letters).
func classify(g glyph) (kind, family) {
	if k, ok := fetaKind(g.name); ok {
		return k, familyFeta
	}
	r := g.r
	if n, ok := smuflNames[g.name]; ok {
		r = n
	} else if strings.HasPrefix(g.name, "uni") && len(g.name) == 7 {
		if n, err := strconv.ParseUint(g.name[3:], 16, 32); err == nil {
			r = rune(n)
		}
	}
	if k, ok := smuflKind(r); ok {
		return k, familySMuFL
	}
	fam := fontFamily(g.font)
	switch fam {
	case familySonata:
		return sonataKind(g.r), familySonata
	case familyFeta:
		if digitNames[g.name] || (g.r >= '0' && g.r <= '9') {
			return kindTimeSig, fam
		}
		return kindMusic, fam
	case familySMuFL:
		return kindMusic, fam
	}
	return kindText, familyNone
}

// fetaKind reads LilyPond's glyph names ("clefs.G", "accidentals.flat", "noteheads.s2",
// "brace178"), including its ancient clefs ("clefs.vaticana.do", "clefs.petrucci.c3").
func fetaKind(name string) (kind, bool) {
	if name == "" {
		return 0, false
	}
	switch {
	case strings.HasPrefix(name, "clefs."):
		c := strings.TrimSuffix(strings.TrimPrefix(name, "clefs."), "_change")
		if i := strings.LastIndexByte(c, '.'); i >= 0 {
			c = c[i+1:]
		}
		switch {
		case c == "G" || c == "g" || strings.HasPrefix(c, "g"):
			return kindClefG, true
		case c == "F" || c == "fa" || strings.HasPrefix(c, "f"):
			return kindClefF, true
		case c == "C" || c == "do" || strings.HasPrefix(c, "c"):
			return kindClefC, true
		case c == "percussion":
			return kindClefPercussion, true
		case c == "tab" || c == "moderntab" || c == "varpercussion":
			if c == "varpercussion" {
				return kindClefPercussion, true
			}
			return kindClefTab, true
		}
		return kindMusic, true
	case strings.HasPrefix(name, "accidentals."):
		switch strings.TrimPrefix(name, "accidentals.") {
		case "flat":
			return kindFlat, true
		case "sharp":
			return kindSharp, true
		case "natural":
			return kindNatural, true
		case "flatflat":
			return kindDoubleFlat, true
		case "doublesharp":
			return kindDoubleSharp, true
		}
		return kindMusic, true
	case strings.HasPrefix(name, "noteheads."):
		return kindNotehead, true
	case strings.HasPrefix(name, "rests."):
		return kindRest, true
	case strings.HasPrefix(name, "timesig."):
		return kindTimeSig, true
	case braceName.MatchString(name):
		return kindBrace, true
	case name == "brackettips.up":
		return kindBracketTop, true
	case name == "brackettips.down":
		return kindBracketBottom, true
	case strings.Contains(name, ".") && fetaPrefix(name):
		return kindMusic, true
	}
	return 0, false
}

func fetaPrefix(name string) bool {
	for _, p := range []string{"scripts.", "flags.", "dots.", "pedal.", "ties.", "arrowheads.", "custodes.", "dots.", "solmisation.", "ligatures."} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// smuflKind reads SMuFL code points: clefs U+E050–E07F, accidentals U+E260–E264,
// noteheads U+E0A0–E0FF, rests U+E4E0–E4FF, time signatures U+E080–E09F, brace U+E000,
// bracket ends U+E003/E004; any other in U+E000–F8FF is some music symbol.
func smuflKind(r rune) (kind, bool) {
	switch {
	case r < 0xE000 || r > 0xF8FF:
		return 0, false
	case r >= 0xE050 && r <= 0xE05B, r == 0xE07A:
		return kindClefG, true
	case r >= 0xE05C && r <= 0xE061, r == 0xE07B:
		return kindClefC, true
	case r >= 0xE062 && r <= 0xE068, r == 0xE07C:
		return kindClefF, true
	case r == 0xE069 || r == 0xE06A:
		return kindClefPercussion, true
	case r >= 0xE06D && r <= 0xE06F:
		return kindClefTab, true
	case r == 0xE260:
		return kindFlat, true
	case r == 0xE261:
		return kindNatural, true
	case r == 0xE262:
		return kindSharp, true
	case r == 0xE263:
		return kindDoubleSharp, true
	case r == 0xE264:
		return kindDoubleFlat, true
	case r >= 0xE0A0 && r <= 0xE0FF:
		return kindNotehead, true
	case r >= 0xE4E0 && r <= 0xE4FF:
		return kindRest, true
	case r >= 0xE080 && r <= 0xE09F:
		return kindTimeSig, true
	case r == 0xE000:
		return kindBrace, true
	case r == 0xE003:
		return kindBracketTop, true
	case r == 0xE004:
		return kindBracketBottom, true
	}
	return kindMusic, true
}

// sonataKind reads the character codes of the Sonata layout, which Finale's Maestro and
// Petrucci, Sibelius's Opus, Helsinki, Inkpen2 and Reprise and many others follow.
func sonataKind(r rune) kind {
	switch r {
	case '&':
		return kindClefG
	case '?':
		return kindClefF
	case 'B':
		return kindClefC
	case 'b':
		return kindFlat
	case '#':
		return kindSharp
	case 'n':
		return kindNatural
	case 0xBA: // º
		return kindDoubleFlat
	case 0xDC: // Ü
		return kindDoubleSharp
	case 0xCF, 0xFA, 'w', 'W': // Ï black, ú half, w whole, W breve
		return kindNotehead
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'c', 'C':
		return kindTimeSig
	}
	return kindMusic
}
