package engraving

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/textfold"
)

// Instruments, as the names printed before a staff say them in the languages scores are
// printed in (folded: lower case, no diacritics, punctuation as spaces), in the order they
// are tried: "violoncello" before "violon", "viola" after "violino"…
var instrumentNames = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`\b(primo|secondo)\b`), "piano four hands"},
	{regexp.MustCompile(`\b(violoncell[oie]?|violoncelli|cello|celli|vc|vcl|vlc|violonchelo|chelo|violoncelle|violoncellos?)\b`), "cello"},
	{regexp.MustCompile(`\b(contrabbass[oi]|contrabass[oi]?|kontrabass|kontrabasse|contrebasses?|double bass|contrabajo|cb|kb|cbs)\b`), "double bass"},
	{regexp.MustCompile(`\b(violin[oie]?|violini|violins?|violons?|violines?|vl|vln|vn|vni|vl[ln]?s|geigen?|housle|skrzypce|fiolin|viulu|violino)\b`), "violin"},
	{regexp.MustCompile(`\b(viola|viole|violas|bratschen?|vla|va|vle|br|altviolin|altviool)\b`), "viola"},
	{regexp.MustCompile(`\b(pianoforte|piano|klavier|clavier|pf|pno|pft|fortepiano|klav|klavir|fortepian|fortepiano)\b`), "piano"},
	{regexp.MustCompile(`\b(organ|orgel|organo|orgue|organo|organ[oa]|varhany|organy|pedal|pedale|ped|pedalier|man|manual|manuale|clav|grand orgue|positif|recit)\b`), "organ"},
	{regexp.MustCompile(`\b(harpsichord|cembalo|clavicembalo|clavecin|clave)\b`), "harpsichord"},
	{regexp.MustCompile(`\b(guitar|guitars|gitarre|chitarra|guitarra|guitare|kytara|gitara|gitar|git|gtr)\b`), "guitar"},
	{regexp.MustCompile(`\b(harp|harfe|arpa|harpe)\b`), "harp"},
	{regexp.MustCompile(`\b(piccolo|ottavino|flautino|picc)\b`), "piccolo"},
	{regexp.MustCompile(`\b(flutes?|flauti|flauto|flote|floten|flauta|flutes|fl|fl[ls]|flet)\b`), "flute"},
	{regexp.MustCompile(`\b(oboe|oboi|oboes|hautbois|ob|obs)\b`), "oboe"},
	{regexp.MustCompile(`\b(clarinet|clarinets|clarinetto|clarinetti|klarinette|klarinetten|clarinette|clarinete|cl|clar|kl)\b`), "clarinet"},
	{regexp.MustCompile(`\b(bassoon|bassoons|fagott|fagotte|fagotto|fagotti|basson|fagot|fg|fag|bsn)\b`), "bassoon"},
	{regexp.MustCompile(`\b(saxophone|sax|saxofon|saxophon)\b`), "saxophone"},
	{regexp.MustCompile(`\b(horn|horns|hörner|horner|corno|corni|cor|cors|trompa|hn|hrn)\b`), "horn"},
	{regexp.MustCompile(`\b(trumpet|trumpets|tromba|trombe|trompete|trompeten|trompette|trompeta|tpt|trp|tr)\b`), "trumpet"},
	{regexp.MustCompile(`\b(trombone|trombones|tromboni|posaune|posaunen|trb|tbn)\b`), "trombone"},
	{regexp.MustCompile(`\b(tuba|tubas)\b`), "tuba"},
	{regexp.MustCompile(`\b(timpani|pauken|timbales|timp|timbal)\b`), "timpani"},
	{regexp.MustCompile(`\b(percussion|drums?|schlagzeug|percussione|triangle|cymbals?|tambourine|snare|bass drum|gran cassa|glockenspiel|xylophone)\b`), "percussion"},
	{regexp.MustCompile(`\b(choir|chor|coro|choeur|chorus)\b`), "choir"},
	{regexp.MustCompile(`\b(soprano|sopran|soprani|s)\b`), "soprano"},
	{regexp.MustCompile(`\b(mezzo|mezzosoprano|mezzo soprano)\b`), "mezzo-soprano"},
	{regexp.MustCompile(`\b(contralto|alt|alti|altus)\b`), "alto"},
	{regexp.MustCompile(`\b(tenor|tenore|tenori|tenors|t)\b`), "tenor"},
	{regexp.MustCompile(`\b(baritone|bariton|baritono)\b`), "baritone"},
	{regexp.MustCompile(`\b(basso|bassi|bass|basse|bajo|b)\b`), "bass"},
	{regexp.MustCompile(`\b(alto|a)\b`), "alto"},
	{regexp.MustCompile(`\b(voice|voce|voces|canto|gesang|singstimme|stimme|chant|voix|voz|hlas|song|vocal|vox)\b`), "voice"},
}

// voices are the names of singing parts.
var voices = map[string]bool{"soprano": true, "mezzo-soprano": true, "alto": true, "tenor": true, "baritone": true, "bass": true, "voice": true}

var punctuation = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// instrumentOf normalises a printed name ("Violino I", "Vc.", "Pianoforte") to one English
// instrument, "" when it names none this knows.
func instrumentOf(name string) string {
	n := strings.ToLower(textfold.Plain(name))
	n = " " + strings.TrimSpace(punctuation.ReplaceAllString(n, " ")) + " "
	for _, in := range instrumentNames {
		if in.re.MatchString(n) {
			return in.name
		}
	}
	return ""
}

// unit is one player's (or one keyboard's) part: the staves it takes and what it is.
type unit struct {
	first, last int
	name        string // the printed name, "" when none
	instrument  string // normalised, "" when unknown
	lyrics      bool
	clef        string
}

// instrumentation calls the ensemble from the first system: its staves, their clefs and
// grouping, the names printed before them and which staves carry words. It returns "" when
// no call is confident. The vocabulary: "piano", "organ", "harpsichord", "harp",
// "guitar", "voice", "voice and piano", "<instrument> and piano" ("violin and piano"),
// "<instrument> and <instrument>", "piano four hands", "two pianos", "string quartet",
// "string trio", "piano trio", "piano quartet", "piano quintet", "SATB choir", "SATB choir
// and piano", "choir", "choir and piano", "orchestra", or a single named instrument.
func instrumentation(m *metadata.Music, sys system, lyrics []bool, named []namedStaff) (string, float64) {
	n := len(sys.staves)
	// A brace joins one keyboard's (or harp's) staves into one part.
	var units []unit
	for i := 0; i < n; i++ {
		u := unit{first: i, last: i, clef: m.Clefs[i], lyrics: lyrics[i]}
		for _, b := range sys.braces {
			if b[0] == i {
				u.last = b[1]
			}
		}
		// A tablature staff belongs to the staff above it: one guitar's part.
		if u.last+1 < n && m.Clefs[u.last+1] == "tab" && m.Clefs[u.last] != "tab" {
			u.last++
		}
		units = append(units, u)
		i = u.last
	}
	for _, ns := range named {
		for k := range units {
			if ns.staff >= units[k].first && ns.staff <= units[k].last {
				if units[k].name != "" {
					units[k].name += " "
				}
				units[k].name += ns.text
			}
		}
	}
	keyboard := func(u unit) bool { return u.last > u.first && m.Clefs[u.last] != "tab" }
	namedAll := true
	for k := range units {
		u := &units[k]
		u.instrument = instrumentOf(u.name)
		if u.instrument == "" {
			namedAll = false
		}
		// Words under a single staff named for an instrument (or for the choir): a
		// singer's staff.
		if u.lyrics && !keyboard(*u) && u.instrument != "" && !voices[u.instrument] {
			u.instrument = "voice"
		}
	}
	conf := 0.6
	if namedAll {
		conf = 0.85
	}
	// Fill in what the structure says of unnamed parts.
	for k := range units {
		u := &units[k]
		switch {
		case u.instrument != "":
		case m.Clefs[u.last] == "tab":
			u.instrument = "guitar"
		case keyboard(*u):
			// Words between a keyboard's staves make a hymn's short score or a song
			// set in the piano's part: not a call to make.
			if !u.lyrics {
				u.instrument = "piano"
			}
		case u.lyrics:
			u.instrument = "voice"
		}
	}

	var ins []string
	for _, u := range units {
		ins = append(ins, u.instrument)
	}
	count := func(name string) int {
		c := 0
		for _, s := range ins {
			if s == name {
				c++
			}
		}
		return c
	}

	// Organ: manuals (a braced pair) over a pedal staff; named for the organ, or not named
	// at all.
	if len(units) == 2 && keyboard(units[0]) && !keyboard(units[1]) && units[1].clef == "bass" && !units[1].lyrics {
		if units[0].instrument == "organ" || units[1].instrument == "organ" {
			return "organ", 0.85
		}
		if units[0].name == "" && units[1].name == "" {
			return "organ", 0.6
		}
	}
	if slices.Contains(ins, "organ") && count("organ")+count("piano") == len(ins) {
		return "organ", 0.8
	}

	sorted := append([]string(nil), ins...)
	sort.Strings(sorted)
	set := strings.Join(sorted, ",")
	switch set {
	case "piano":
		if units[0].name == "" {
			return "piano", 0.75
		}
		return "piano", 0.85
	case "harpsichord", "harp", "organ":
		return set, 0.85
	case "guitar":
		if units[0].name == "" {
			return "guitar", 0.7 // a tablature staff, unnamed
		}
		return "guitar", 0.85
	case "piano four hands", "piano four hands,piano four hands":
		return "piano four hands", 0.85
	case "piano,piano":
		if namedAll {
			return "two pianos", 0.8
		}
		return "", 0
	case "piano,piano four hands":
		return "piano four hands", 0.8
	case "cello,viola,violin,violin":
		return "string quartet", 0.9
	case "cello,viola,violin":
		return "string trio", 0.85
	case "cello,piano,violin":
		return "piano trio", conf
	case "cello,piano,viola,violin":
		return "piano quartet", conf
	case "cello,piano,viola,violin,violin":
		return "piano quintet", conf
	}

	voiceCount := 0
	for _, s := range ins {
		if voices[s] {
			voiceCount++
		}
	}
	pianos := count("piano")
	satb := count("soprano") == 1 && count("alto") == 1 && count("tenor") == 1 && count("bass") == 1
	switch {
	case voiceCount == len(ins) && voiceCount == 1 && units[0].lyrics:
		return "voice", 0.5
	case voiceCount == 1 && pianos == 1 && len(ins) == 2 && voices[ins[0]] && keyboard(units[1]):
		return "voice and piano", max(conf, 0.75)
	case voiceCount >= 2 && voiceCount == len(ins):
		if satb && voiceCount == 4 {
			return "SATB choir", conf
		}
		if unnamedSATB(units) {
			return "SATB choir", 0.7
		}
		if voiceCount >= 3 {
			return "choir", 0.6
		}
	case voiceCount >= 2 && pianos == 1 && voiceCount == len(ins)-1 && ins[len(ins)-1] == "piano":
		if (satb && voiceCount == 4) || unnamedSATB(units[:len(units)-1]) {
			return "SATB choir and piano", max(conf, 0.7)
		}
		if voiceCount >= 3 {
			return "choir and piano", 0.6
		}
	}

	// One instrument over the piano.
	if len(units) == 2 && ins[1] == "piano" && keyboard(units[1]) && !keyboard(units[0]) {
		switch {
		case ins[0] != "" && ins[0] != "piano" && ins[0] != "organ" && ins[0] != "choir":
			return ins[0] + " and piano", 0.85
		case units[0].clef == "alto" && units[0].name == "":
			// The alto clef is the viola's.
			return "viola and piano", 0.55
		}
		return "", 0
	}
	// A violin and a cello over the piano, unnamed: the piano trio's layout.
	if len(units) == 3 && keyboard(units[2]) && ins[2] == "piano" && units[0].name == "" && units[1].name == "" &&
		units[0].clef == "treble" && units[1].clef == "bass" && !units[0].lyrics && !units[1].lyrics {
		return "piano trio", 0.6
	}
	// Bracketed staves in the string quartet's (or trio's) clefs, without words, whose
	// names, where they are read, agree.
	fits := func(want ...string) bool {
		for i, u := range units {
			if u.lyrics || keyboard(u) || (u.instrument != "" && u.instrument != want[i]) {
				return false
			}
		}
		return true
	}
	if len(units) == 4 && m.Bracketed == 4 && strings.Join(m.Clefs, ",") == "treble,treble,alto,bass" && fits("violin", "violin", "viola", "cello") {
		return "string quartet", 0.75
	}
	if len(units) == 3 && m.Bracketed == 3 && strings.Join(m.Clefs, ",") == "treble,alto,bass" && fits("violin", "viola", "cello") {
		return "string trio", 0.6
	}
	// A single named instrument, or two.
	switch {
	case len(units) == 1 && ins[0] != "" && !keyboard(units[0]):
		return ins[0], 0.8
	case len(units) == 2 && namedAll && ins[0] != ins[1] && !voices[ins[0]] && !voices[ins[1]]:
		return ins[0] + " and " + ins[1], 0.7
	}
	// Many named parts with strings and winds: an orchestra.
	if len(units) >= 8 {
		families := map[string]bool{}
		for _, s := range ins {
			switch s {
			case "violin", "viola", "cello", "double bass":
				families["strings"] = true
			case "flute", "piccolo", "oboe", "clarinet", "bassoon", "saxophone":
				families["woodwinds"] = true
			case "horn", "trumpet", "trombone", "tuba":
				families["brass"] = true
			case "timpani", "percussion":
				families["percussion"] = true
			}
		}
		if families["strings"] && len(families) >= 3 {
			return "orchestra", 0.8
		}
	}
	return "", 0
}

// unnamedSATB: four unnamed staves with words, in the clefs of a choir's four parts.
func unnamedSATB(us []unit) bool {
	if len(us) != 4 {
		return false
	}
	want := []string{"treble", "treble", "treble", "bass"}
	for i, u := range us {
		if u.name != "" || !u.lyrics || u.clef != want[i] {
			return false
		}
	}
	return true
}
