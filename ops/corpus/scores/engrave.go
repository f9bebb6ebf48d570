package main

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"unicode"
)

// variant is how one work's score is laid out: which header lines it prints and where.
// Drawn from the work's id, so the same sources always give the same files.
type variant struct {
	infoDict   bool   // the PDF keeps LilyPond's information dictionary
	titlePage  bool   // page 1 is a title page; the music starts on page 2
	keyWhere   string // "title" (in the title line), "line" (a line of its own), "none"
	instrWhere string // "header" (the instrument line), "line", "staff" (staff names only), "none"
	opusWhere  string // "title", "line", "opus" (right, above the music), "" (no catalogue number)
	staffNames bool
	keyText    string
	instrText  string
	opusText   string
	titleLine  string
	composer   string // as printed
	dedication string
	meterLine  string // a tempo in the header, left
	editor     string
	footer     string
	tagline    string // "" LilyPond's own, "none", or a printer's line
	font       string
	paper      string
	staffSize  int
	running    bool // later pages carry a running head (composer and title)
	publisher  string
	poet       string
}

// seeded is a random source fixed by a string: the same work draws the same layout.
func seeded(s string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	v := h.Sum64()
	return rand.New(rand.NewPCG(v, v^0x5851f42d4c957f2d))
}

// determinable: the instrumentations a musician reads from the staves alone.
var determinable = map[string]bool{
	"piano": true, "organ": true, "string quartet": true, "voice and piano": true, "SATB choir": true,
	"piano trio": true, "orchestra": true,
}

func chooseVariant(w work, k key) variant {
	rng := seeded("layout:" + w.id)
	c := composers[w.composer]
	v := variant{
		infoDict:  chance(rng, 0.62),
		titlePage: chance(rng, 0.16),
		font:      pick(rng, "", "", "DejaVu Serif", "P052", "URW Bookman", "Nimbus Roman", "DejaVu Sans"),
		paper:     pick(rng, "a4", "a4", "a4", "letter", "letter", "b4"),
		staffSize: 16 + rng.IntN(5),
	}
	if w.instr == "orchestra" {
		v.staffSize = 13 + rng.IntN(2)
	}
	// The key: in the title line, on a line of its own, or printed nowhere (the music shows
	// it). Latin title pages print none.
	switch r := rng.Float64(); {
	case w.lang == "la" || r < 0.35:
		v.keyWhere = "none"
	case r < 0.5:
		v.keyWhere = "title"
	default:
		v.keyWhere = "line"
	}
	switch r := rng.Float64(); {
	case r < 0.35:
		v.instrWhere = "none"
	case r < 0.6:
		v.instrWhere = "header"
	case r < 0.85:
		v.instrWhere = "line"
	default:
		v.instrWhere = "staff"
	}
	if !determinable[w.instr] && v.instrWhere == "none" {
		v.instrWhere = "staff"
	}
	// Staves without names are the ones that leave the instrumentation to the music alone.
	named := 0.5
	if v.instrWhere == "none" {
		named = 0.2
	}
	v.staffNames = w.instr == "orchestra" || v.instrWhere == "staff" || (w.instr != "piano" && chance(rng, named))
	if w.instr == "piano" && v.instrWhere == "staff" {
		v.instrWhere = "none" // a piano's staves carry no name
	}
	if w.cat.kind != "" {
		switch r := rng.Float64(); {
		case r < 0.2:
			v.opusWhere = "title"
		case r < 0.55:
			v.opusWhere = "line"
		default:
			v.opusWhere = "opus"
		}
		v.opusText = w.cat.printed(rng, w.lang)
	}
	if v.keyWhere != "none" {
		v.keyText = keyPhrase(rng, w.lang, k)
	}
	if v.instrWhere == "header" || v.instrWhere == "line" {
		v.instrText = instrPhrase(rng, w.lang, w.instr)
	}
	v.titleLine = w.title
	if !v.titlePage {
		if v.keyWhere == "title" {
			v.titleLine += " " + v.keyText
		}
		if v.opusWhere == "title" {
			v.titleLine += pick(rng, ", ", " ") + v.opusText
		}
	} else if v.keyWhere == "title" {
		v.keyWhere = "line"
	}
	if v.titlePage && v.opusWhere == "title" {
		v.opusWhere = "line"
	}
	v.composer = composerLine(rng, c, w.lang)
	if chance(rng, 0.3) {
		v.dedication = dedication(rng, w.lang)
	}
	if chance(rng, 0.2) {
		v.meterLine = w.tempo
	}
	if chance(rng, 0.18) {
		v.editor = editor(rng, w.lang)
	}
	if chance(rng, 0.35) {
		v.footer = footer(rng, w.lang)
	}
	switch r := rng.Float64(); {
	case r < 0.4:
		v.tagline = ""
	case r < 0.7:
		v.tagline = "none"
	default:
		v.tagline = pick(rng, "Lith. Anst. v. C. G. Röder, Leipzig", "Imp. Delanchy, Paris", "Engraved with LilyPond", "Stich und Druck der Röder'schen Officin")
	}
	v.running = chance(rng, 0.4)
	v.publisher = publisher(rng, w.lang)
	if w.poet != "" {
		v.poet = poetLine(rng, w.lang, w.poet)
	}
	return v
}

// composerLine prints a composer as title pages do: in full, surname first, with initials,
// in capitals, in the language's own spelling, by surname alone; sometimes with life dates
// or a "Music by".
func composerLine(rng *rand.Rand, c composer, lang string) string {
	full := c.given + " " + strings.TrimSpace(c.particle+" "+c.surname)
	var name string
	natives := append(append([]string(nil), c.native[lang]...), c.native["*"]...)
	switch r := rng.Float64(); {
	case r < 0.3:
		name = full
	case r < 0.42:
		name = c.surname + ", " + strings.TrimSpace(c.given+" "+c.particle)
	case r < 0.6:
		name = initials(c.given) + " " + strings.TrimSpace(c.particle+" "+c.surname)
	case r < 0.72:
		name = strings.ToUpper(full)
	case r < 0.87 && len(natives) > 0:
		name = pick(rng, natives...)
	case r >= 0.87 && c.surnameOnly:
		name = pick(rng, c.surname, strings.ToUpper(c.surname))
	default:
		name = full
	}
	if chance(rng, 0.15) {
		name += fmt.Sprintf(" (%d–%d)", c.born, c.died)
	}
	if chance(rng, 0.1) {
		name = byline(lang) + name
	}
	return name
}

// initials: "Johann Sebastian" → "J. S.", "Charles-Marie" → "C.-M.".
func initials(given string) string {
	var parts []string
	for _, w := range strings.Fields(given) {
		var hy []string
		for _, p := range strings.Split(w, "-") {
			r := []rune(p)
			hy = append(hy, string(r[0])+".")
		}
		parts = append(parts, strings.Join(hy, "-"))
	}
	return strings.Join(parts, " ")
}

// staffPlan: staves per system on a page, and how many systems the first page's header
// leaves room for.
func systemsPerPage(instr string) int {
	switch instr {
	case "piano":
		return 6
	case "guitar", "violin", "cello":
		return 9
	case "organ", "voice and piano", "violin and piano", "cello and piano", "flute and piano":
		return 4
	case "piano trio", "string quartet":
		return 3
	case "piano four hands", "SATB choir":
		return 2
	case "orchestra":
		return 1
	}
	panic("no layout for " + instr)
}

// engrave writes the LilyPond source of a work's score.
func engrave(w work, v variant, k key) string {
	m, ok := meters[w.meter]
	if !ok {
		panic("meter " + w.meter)
	}
	rng := seeded("music:" + w.id)
	spp := systemsPerPage(w.instr)
	first := spp - 1
	if v.titlePage {
		first = spp
	}
	if first < 1 {
		first = 1
	}
	pages := max(w.pages, 1)
	systems := first + (pages-1)*spp
	const barsPerSystem = 4
	bars := systems * barsPerSystem

	var b strings.Builder
	b.WriteString("\\version \"2.24.1\"\n")
	fmt.Fprintf(&b, "#(set-global-staff-size %d)\n", v.staffSize)
	b.WriteString("\\paper {\n")
	fmt.Fprintf(&b, "  #(set-paper-size %q)\n", v.paper)
	if v.font != "" {
		fmt.Fprintf(&b, "  #(define fonts (set-global-fonts #:roman %q #:factor (/ staff-height pt 20)))\n", v.font)
	}
	switch v.tagline {
	case "":
	case "none":
		b.WriteString("  tagline = ##f\n")
	default:
		fmt.Fprintf(&b, "  tagline = \\markup \\small %s\n", quote(v.tagline))
	}
	b.WriteString("  ragged-last-bottom = ##t\n")
	if v.running {
		head := strings.TrimSpace(composers[w.composer].surname) + " — " + w.title
		fmt.Fprintf(&b, "  oddHeaderMarkup = \\markup \\fill-line { \"\" \\unless \\on-first-page \\small \\italic %s \\if \\should-print-page-number \\fromproperty #'page:page-number-string }\n", quote(head))
		fmt.Fprintf(&b, "  evenHeaderMarkup = \\markup \\fill-line { \\if \\should-print-page-number \\fromproperty #'page:page-number-string \\unless \\on-first-page \\small \\italic %s \"\" }\n", quote(head))
	}
	if v.titlePage {
		b.WriteString("  bookTitleMarkup = ##f\n")
	}
	b.WriteString("}\n")

	// The header: printed by LilyPond's title block (unless a title page stands in for
	// it), and written into the PDF's information dictionary.
	b.WriteString("\\header {\n")
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %s = %s\n", name, quote(value))
		}
	}
	field("title", v.titleLine)
	field("subtitle", w.subtitle)
	var lines []string
	if v.instrWhere == "line" {
		lines = append(lines, v.instrText)
	}
	if v.keyWhere == "line" {
		lines = append(lines, v.keyText)
	}
	if v.opusWhere == "line" {
		lines = append(lines, v.opusText)
	}
	if len(lines) > 0 {
		b.WriteString("  subsubtitle = \\markup \\center-column {")
		for _, l := range lines {
			b.WriteString(" " + quote(l))
		}
		b.WriteString(" }\n")
	}
	field("composer", v.composer)
	if v.instrWhere == "header" {
		field("instrument", v.instrText)
	}
	if v.opusWhere == "opus" {
		field("opus", v.opusText)
	}
	field("dedication", v.dedication)
	field("poet", v.poet)
	field("meter", v.meterLine)
	field("arranger", v.editor)
	field("copyright", v.footer)
	b.WriteString("}\n\n")

	if v.titlePage {
		b.WriteString(titlePage(w, v))
	}

	// The music: a global voice holds key, time and the line and page breaks.
	var g strings.Builder
	fmt.Fprintf(&g, "global = { %s \\time %s ", k.lilyKey(), m.sig)
	for s := range systems {
		for range barsPerSystem {
			g.WriteString(m.spacer() + " ")
		}
		switch {
		case s == systems-1:
			g.WriteString("\\bar \"|.\"")
		case s+1 == first || (s+1 > first && (s+1-first)%spp == 0):
			g.WriteString("\\pageBreak ")
		default:
			g.WriteString("\\break ")
		}
	}
	g.WriteString(" }\n")
	b.WriteString(g.String())
	fmt.Fprintf(&b, "tempoMark = { \\tempo %s }\n\n", quote(w.tempo))

	p := part{k: k, m: m, rng: rng, bars: harmony(rng, bars)}
	b.WriteString("\\score {\n  <<\n")
	b.WriteString(staves(w, v, p))
	b.WriteString("  >>\n")
	if v.titlePage {
		b.WriteString("  \\header { piece = " + quote(w.title))
		if v.opusText != "" {
			b.WriteString(" opus = " + quote(v.opusText))
		}
		b.WriteString(" }\n")
	}
	b.WriteString("  \\layout { }\n}\n")
	return b.String()
}

// titlePage: page 1 of an edition with a title page: large centred lines, the publisher at
// the foot; the music begins on page 2.
func titlePage(w work, v variant) string {
	size := func(s string, max float64) string {
		n := float64(len([]rune(s)))
		f := max
		if n*f*0.55 > 170*2.3 { // keep the line within the page
			f = 170 * 2.3 / (n * 0.55)
		}
		return fmt.Sprintf("%.1f", f)
	}
	var b strings.Builder
	b.WriteString("\\markup \\column {\n  \\vspace #6\n")
	if v.dedication != "" {
		fmt.Fprintf(&b, "  \\fill-line { \\italic %s }\n  \\vspace #5\n", quote(v.dedication))
	}
	title := w.title
	if len([]rune(title)) < 14 {
		title = strings.ToUpper(title)
	}
	fmt.Fprintf(&b, "  \\fill-line { \\abs-fontsize #%s \\bold %s }\n", size(title, 34), quote(title))
	if w.subtitle != "" {
		fmt.Fprintf(&b, "  \\vspace #1.5\n  \\fill-line { \\abs-fontsize #%s %s }\n", size(w.subtitle, 18), quote(w.subtitle))
	}
	for _, l := range []string{v.instrText, v.keyText, v.opusText} {
		if l != "" {
			fmt.Fprintf(&b, "  \\vspace #1.5\n  \\fill-line { \\abs-fontsize #14 %s }\n", quote(l))
		}
	}
	fmt.Fprintf(&b, "  \\vspace #8\n  \\fill-line { \\abs-fontsize #%s %s }\n", size(v.composer, 20), quote(v.composer))
	if v.poet != "" {
		fmt.Fprintf(&b, "  \\vspace #2\n  \\fill-line { \\abs-fontsize #12 %s }\n", quote(v.poet))
	}
	if v.editor != "" {
		fmt.Fprintf(&b, "  \\vspace #3\n  \\fill-line { \\abs-fontsize #11 %s }\n", quote(v.editor))
	}
	fmt.Fprintf(&b, "  \\vspace #22\n  \\fill-line { \\abs-fontsize #11 %s }\n}\n\\pageBreak\n\n", quote(v.publisher))
	return b.String()
}

// staves writes the score's staves for the work's instrumentation.
func staves(w work, v variant, p part) string {
	var b strings.Builder
	voices := 0
	named := func(role string) string {
		if !v.staffNames {
			return ""
		}
		return fmt.Sprintf(" \\with { instrumentName = %s }", quote(staffName(w.lang, role)))
	}
	staff := func(with, clef, music string, top bool) {
		t := ""
		if top {
			t = "\\tempoMark "
		}
		fmt.Fprintf(&b, "    \\new Staff%s << \\global { %s\\clef %q %s } >>\n", with, t, clef, music)
	}
	sung := func(with, clef, music string, notes int, top bool) {
		voices++
		name := fmt.Sprintf("v%d", voices)
		t := ""
		if top {
			t = "\\tempoMark "
		}
		fmt.Fprintf(&b, "    \\new Staff%s << \\global \\new Voice = %q { %s\\clef %q %s } >>\n", with, name, t, clef, music)
		fmt.Fprintf(&b, "    \\new Lyrics \\lyricsto %q { %s }\n", name, syllables(w, notes))
	}
	piano := func(with string, top bool, rhOct int) {
		fmt.Fprintf(&b, "    \\new PianoStaff%s <<\n  ", with)
		staff("", "treble", p.figuration(rhOct), top)
		b.WriteString("  ")
		staff("", "bass", p.bass(2, true), false)
		b.WriteString("    >>\n")
	}
	switch w.instr {
	case "piano":
		piano("", true, 4)
	case "piano four hands":
		fmt.Fprintf(&b, "    \\new PianoStaff%s <<\n", named("primo"))
		staff("", "treble", p.figuration(5), true)
		mel, _ := p.melody(4)
		staff("", "treble", mel, false)
		b.WriteString("    >>\n")
		fmt.Fprintf(&b, "    \\new PianoStaff%s <<\n", named("secondo"))
		staff("", "bass", p.line(3, 2), false)
		staff("", "bass", p.bass(2, false), false)
		b.WriteString("    >>\n")
	case "voice and piano":
		mel, n := p.melody(4)
		sung(named("voice"), "treble", mel, n, true)
		piano(named("pf"), false, 4)
	case "violin and piano", "flute and piano", "cello and piano":
		role, clef, oct := "vln", "treble", 4
		switch w.instr {
		case "flute and piano":
			role, oct = "fl", 5
		case "cello and piano":
			role, clef, oct = "vc", "bass", 3
		}
		mel, _ := p.melody(oct)
		staff(named(role), clef, mel, true)
		piano(named("pf"), false, 4)
	case "violin", "cello":
		role, clef, oct := "vln", "treble", 4
		if w.instr == "cello" {
			role, clef, oct = "vc", "bass", 2
		}
		staff(named(role), clef, p.figuration(oct), true)
	case "guitar":
		staff(named("gtr"), "treble_8", p.figuration(3), true)
	case "organ":
		fmt.Fprintf(&b, "    \\new PianoStaff%s <<\n", named("org"))
		staff("", "treble", p.figuration(4), true)
		staff("", "bass", p.line(3, 2), false)
		b.WriteString("    >>\n")
		staff(named("ped"), "bass", p.sustained(2, 0), false)
	case "string quartet":
		b.WriteString("    \\new StaffGroup <<\n")
		staff(named("vln1"), "treble", p.figuration(4), true)
		staff(named("vln2"), "treble", p.line(4, 2), false)
		staff(named("vla"), "alto", p.line(3, 4), false)
		staff(named("vc"), "bass", p.bass(2, false), false)
		b.WriteString("    >>\n")
	case "piano trio":
		mel, _ := p.melody(4)
		staff(named("vln"), "treble", mel, true)
		staff(named("vc"), "bass", p.line(3, 2), false)
		piano(named("pf"), false, 4)
	case "SATB choir":
		b.WriteString("    \\new ChoirStaff <<\n")
		mel, n := p.melody(4)
		sung(named("S"), "treble", mel, n, true)
		sung(named("A"), "treble", p.line(4, 2), n, false)
		sung(named("T"), "treble_8", p.line(3, 4), n, false)
		sung(named("B"), "bass", p.line(2, 0), n, false)
		b.WriteString("    >>\n")
	case "orchestra":
		b.WriteString("    \\new StaffGroup <<\n")
		mel, _ := p.melody(5)
		staff(named("fls"), "treble", mel, true)
		staff(named("obs"), "treble", p.line(4, 2), false)
		staff(named("fags"), "bass", p.line(2, 0), false)
		b.WriteString("    >>\n")
		staff(named("timp"), "bass", p.sustained(2, 0), false)
		b.WriteString("    \\new StaffGroup <<\n")
		staff(named("vlns1"), "treble", p.figuration(4), false)
		staff(named("vlns2"), "treble", p.line(4, 2), false)
		staff(named("vlas"), "alto", p.line(3, 4), false)
		staff(named("vcs"), "bass", p.line(2, 0), false)
		staff(named("cb"), "bass", p.sustained(2, 0), false)
		b.WriteString("    >>\n")
	default:
		panic("no staves for " + w.instr)
	}
	return b.String()
}

// syllables: the work's words, one a note, repeated to fill the voice.
func syllables(w work, notes int) string {
	text := w.lyrics
	if text == "" {
		text = lyricsFallback(w.lang)
	}
	words := strings.Fields(text)
	out := make([]string, notes)
	for i := range out {
		out[i] = quote(words[i%len(words)])
	}
	return strings.Join(out, " ")
}

// searchWords: words printed on the page that search must find the score by: the title's
// longest word, and one from another line (a dedication, the poet, the subtitle, the words).
func searchWords(w work, v variant) []string {
	longest := func(s string) string {
		best := ""
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len([]rune(f)) > len([]rune(best)) {
				best = f
			}
		}
		if len([]rune(best)) < 4 {
			return ""
		}
		return best
	}
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		for _, o := range out {
			if strings.EqualFold(o, s) {
				return
			}
		}
		out = append(out, s)
	}
	add(longest(w.title))
	switch {
	case v.dedication != "":
		f := strings.Fields(v.dedication)
		add(longest(f[len(f)-1]))
	case w.poet != "":
		add(longest(w.poet))
	case w.subtitle != "":
		add(longest(w.subtitle))
	case w.lyrics != "":
		// Among the first words: a short piece sets only the start of its text.
		f := strings.Fields(w.lyrics)
		add(longest(strings.Join(f[:min(6, len(f))], " ")))
	}
	if len(out) == 0 {
		add(longest(w.subtitle))
	}
	return out
}
