package metadata

import (
	"context"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Local extracts metadata without any network: from the information dictionary (standard
// keys and the ones engraving programs add, such as Composer, Subtitle, Arranger, Opus), the
// first page's text (the PDF's text layer or OCR's reading of a scan), what was read from
// the engraved music, and the file name. It reads title pages in the languages scores are
// printed in and names what it finds in one vocabulary (docs/scores.md, "How fields are
// read from text"). It leaves a field empty rather than guess.
type Local struct {
	names   *ComposerNames
	tempo   *regexp.Regexp
	year    *regexp.Regexp
	timeSig *regexp.Regexp
}

// NewLocal returns the local provider.
func NewLocal() *Local {
	return &Local{
		names:   NewComposerNames(),
		tempo:   regexp.MustCompile(`(?i)\b(Grave|Largo|Larghetto|Lento|Adagio|Adagietto|Andante|Andantino|Moderato|Allegretto|Allegro|Vivace|Vivacissimo|Presto|Prestissimo|Tempo di [A-Za-z]+|Langsam|Lebhaft|Mäßig|Massig|Ruhig|Schnell|Bewegt|Rasch|Modéré|Modérément|Lent|Lentement|Vif|Très vite|Animé|Slowly|Moderately|Lively|Briskly)\b(?:\s+(?:ma non troppo|con brio|assai|moderato|cantabile|sostenuto|espressivo|molto|giocoso|vivace|agitato|con moto))?`),
		year:    regexp.MustCompile(`\b(1[5-9]\d\d|20\d\d)\b`),
		timeSig: regexp.MustCompile(`(?:^|\s)([2-9]|12)/(2|4|8|16)(?:\s|$)`),
	}
}

// Confidences of what the rules find on a page's text layer; OCR's are these scaled by its
// confidence (ocrScale).
const (
	confInfo         = 0.9  // a value the information dictionary names
	confInfoPattern  = 0.85 // a pattern in the information dictionary's title or subtitle
	confTitle        = 0.6  // the first title-like line near the top
	confTitleLate    = 0.45 // a title-like line after a tempo mark, labels or lyrics
	confSubtitle     = 0.5
	confComposer     = 0.8  // a known composer's name line
	confComposerOCR  = 0.6  // … whose surname OCR misread by a letter
	confComposerIn   = 0.55 // a known composer named with a given name inside a line
	confNamed        = 0.6  // another name, announced ("Musik von …") or dated
	confPersonLike   = 0.45 // a line that looks like a person's name and is not the title
	confPattern      = 0.75 // opus, key, an instrument phrase in the page text
	confGlued        = 0.7  // "Chant et Piano" alone on its line
	confEnsembleWord = 0.65 // "Streichquartett" in a title
	confLabels       = 0.6  // staff labels before the first system
	confLabel        = 0.5  // one staff label
	confArranger     = 0.6
	confFilename     = 0.4
	confFileTitle    = 0.25
	// disagreeing is what a printed value's confidence is multiplied by when the music
	// says otherwise.
	disagreeing = 0.7
)

// Extract implements Provider.
func (l *Local) Extract(_ context.Context, in Input) (Result, error) {
	r := Result{}
	info := func(keys ...string) string {
		for _, k := range keys {
			for ik, v := range in.Info {
				if strings.EqualFold(ik, k) && strings.TrimSpace(v) != "" {
					return strings.TrimSpace(v)
				}
			}
		}
		return ""
	}
	ocr := in.FirstPageSource == SourceOCR
	pageSource, scale := SourcePageText, 1.0
	if ocr {
		pageSource, scale = SourceOCR, ocrScale(in.FirstPageConfidence)
	}
	page := func(field string, v any, confidence float64) { r.set(field, v, confidence*scale, pageSource) }

	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(in.Filename, `\`, "/")), path.Ext(in.Filename))
	nameText := strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '+' }), " ")
	lines := l.classify(in.FirstPageText, ocr)

	// Information dictionary: engraving programs put the composer in Composer or Author and
	// the subtitle in Subtitle or Subject.
	if v := info("Title"); v != "" && l.sensibleTitle(v) {
		r.set("title", v, confInfo, SourceInfoDict)
	}
	if v := info("Subtitle", "Subject"); v != "" && l.sensibleTitle(v) {
		r.set("subtitle", v, 0.8, SourceInfoDict)
	}
	if v := info("Composer"); v != "" {
		if c := l.names.Canonical(v); c != "" {
			r.set("composer", c, confInfo, SourceInfoDict)
		}
	} else if v := info("Author"); v != "" {
		if c, ok := l.knownComposer(v); ok {
			r.set("composer", c, 0.85, SourceInfoDict)
		} else if n := cleanName(v); looksLikeName(n) {
			r.set("composer", n, 0.5, SourceInfoDict) // often the engraver: a weak guess
		}
	}
	if v := info("Arranger"); v != "" {
		if n := l.arrangerName(v); n != "" {
			r.set("arranger", n, 0.8, SourceInfoDict)
		}
	}
	if v := info("Opus"); v != "" {
		if ms := findCatalogues(v, false); len(ms) > 0 {
			r.set("opus", ms[0].value, confInfo, SourceInfoDict)
		} else {
			r.set("opus", v, 0.8, SourceInfoDict)
		}
	}
	if v := info("Keywords"); v != "" {
		var tags []string
		for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		if len(tags) > 0 {
			r.set("tags", tags, 0.8, SourceInfoDict)
		}
	}

	// The first page: title and subtitle, composer, arranger.
	titleLine := -1
	if i, late := pickTitle(lines, ocr); i >= 0 {
		titleLine = i
		c := confTitle
		if late {
			c = confTitleLate
		}
		page("title", l.titleText(lines[i], ocr), c)
		if j := pickSubtitle(lines, i); j >= 0 {
			page("subtitle", titleCase(lines[j].text), confSubtitle)
		}
	}
	l.composerFromPage(lines, titleLine, page)
	for _, ln := range lines {
		if ln.kind == kindArranger {
			if n := l.arrangerName(ln.text); n != "" {
				page("arranger", n, confArranger)
				break
			}
		}
	}
	if c, ok := l.composerInFilename(nameText); ok {
		r.set("composer", c, confFilename, SourceFilename)
	}
	if nameText != "" && !looksGenericName(nameText) {
		r.set("title", nameText, confFileTitle, SourceFilename)
	}

	// Catalogue number, key, instrumentation: the information dictionary's title first,
	// then the page, then the file name.
	infoTitle := info("Title") + "\n" + info("Subtitle", "Subject")
	if ms := findCatalogues(infoTitle, false); len(ms) > 0 {
		r.set("opus", ms[0].value, confInfoPattern, SourceInfoDict)
	}
	if k, ok := findKey(infoTitle); ok {
		r.set("key", k.key, confInfoPattern, SourceInfoDict)
	}
	for _, t := range []string{info("Instrumentation", "Instrument", "Instruments"), infoTitle} {
		if s, ok := instrumentsIn(t); ok {
			r.set("instrumentation", s, confInfoPattern, SourceInfoDict)
			break
		}
	}
	if v, ok := catalogueFromPage(lines, titleLine, ocr); ok {
		page("opus", v, confPattern)
	}
	for _, ln := range lines {
		if fieldSource(ln.kind) {
			if k, ok := findKey(ln.text); ok {
				page("key", k.key, confPattern)
				break
			}
		}
	}
	if v, c := instrumentationFromPage(lines); v != "" {
		page("instrumentation", v, c)
	}
	if nameText != "" {
		if ms := findCatalogues(nameText, false); len(ms) > 0 {
			r.set("opus", ms[0].value, confFilename, SourceFilename)
		}
		if k, ok := findKey(nameText); ok {
			r.set("key", k.key, confFilename, SourceFilename)
		}
		if s, ok := instrumentsIn(nameText); ok {
			r.set("instrumentation", s, confFilename, SourceFilename)
		}
	}
	l.mergeMusic(r, in.Music)

	// Tempo and time signature from the page.
	for _, ln := range lines {
		if ln.kind == kindTempo {
			if m := l.tempo.FindString(ln.text); m != "" {
				page("tempo", capitalize(m), 0.6)
				break
			}
		}
	}
	if _, ok := r["tempo"]; !ok {
		if m := l.tempo.FindString(in.FirstPageText); m != "" && !ocr {
			page("tempo", capitalize(m), 0.6)
		}
	}
	if m := l.timeSig.FindStringSubmatch(in.FirstPageText); m != nil {
		page("time_signature", m[1]+"/"+m[2], 0.4)
	}
	if v := info("CreationDate"); v != "" {
		if m := l.year.FindString(v); m != "" {
			// The file's creation, not the work's: a weak hint.
			if y, err := strconv.Atoi(m); err == nil {
				r.set("year", y, 0.2, SourceInfoDict)
			}
		}
	}
	if c, ok := r["composer"]; ok {
		if s, _ := c.Value.(string); s != "" {
			if m, ok := l.knownComposerEntry(s); ok {
				r.set("period", m.Period, c.Confidence*0.9, c.Source)
			}
		}
	}
	if t, ok := r["title"]; ok {
		if s, _ := t.Value.(string); s != "" {
			r.set("language", guessLanguage(s+" "+in.FirstPageText), 0.3, pageSource)
		}
	}
	return r, nil
}

// ocrScale is what OCR's mean word confidence (0 to 1) makes of a rule's confidence: a
// page read at 0.9 keeps most of it, one read at 0.4 little.
func ocrScale(c float64) float64 {
	if c <= 0 {
		return 0.6 // unknown
	}
	return min(1, max(0.3, c))
}

// classify splits a page's text into lines and tells what each is.
func (l *Local) classify(text string, ocr bool) []textLine {
	lines := splitLines(text)
	for i := range lines {
		if ocr {
			if t := latinLookalikes(lines[i].text); t != lines[i].text {
				lines[i].text, lines[i].fold, lines[i].ws = t, fold(t), words(t)
			}
		}
		lines[i].kind = l.kindOf(&lines[i], ocr)
	}
	return lines
}

func (l *Local) kindOf(ln *textLine, ocr bool) lineKind {
	if ln.text == "" {
		return kindNoise
	}
	f := ln.fold
	switch {
	case taglineRe.MatchString(f):
		return kindTagline
	case headerRe.MatchString(f), scoreTypeRe.MatchString(strings.Trim(f, " *")):
		return kindHeader
	case dedicationRe.MatchString(f) || dedicationStartRe.MatchString(f):
		return kindDedication
	case poetRe.MatchString(f):
		return kindPoet
	case arrangerRe.MatchString(f):
		return kindArranger
	case editorRe.MatchString(f):
		return kindEditor
	}
	for _, h := range l.names.find(ln.ws, ocr) {
		n := leftover(ln.ws, h.from, h.to)
		if n == 0 || h.given && n <= 1 && !h.fuzzy || h.given && !h.fuzzy && otherName(ln.ws, h) {
			ln.hit = &h
			return kindComposer
		}
		if h.given && !h.fuzzy && ln.hit == nil {
			ln.hit = &h // a composer named inside the line ("Sonata by W. A. Mozart")
		}
	}
	if n := collectiveName(ln.text, ocr); n != "" {
		ln.name = n
		return kindName
	}
	switch {
	case numberLineRe.MatchString(strings.TrimSpace(f)):
		return kindNumber
	case strings.ContainsAny(f, "0123456789") && strings.Trim(lifeDates.ReplaceAllString(ln.text, ""), " ,;()[]–-") == "":
		return kindDates
	case catalogueOnly(*ln, ocr):
		return kindCatalogue
	case keyOnly(*ln):
		return kindKey
	}
	if set, ok := lineInstruments(*ln); ok {
		if len(set.items) == 1 && isEnsemble(set.items[0]) && !instrumentPrepositions[firstWord(ln)] {
			return kindText // "Streichquartett", "Quatuor à cordes": a title that names its ensemble
		}
		return kindInstruments
	}
	if _, ok := phraseInstruments(*ln); ok && instrumentPrepositions[firstWord(ln)] {
		return kindInstruments
	}
	if n := cueName(*ln); n != "" {
		ln.name = n
		return kindName
	}
	if isTempo(*ln) {
		return kindTempo
	}
	if isDirection(*ln) || partName.MatchString(ln.text) {
		return kindDirection
	}
	if !isWords(*ln, ocr) {
		return kindNoise
	}
	if lyricsRe.MatchString(ln.text) {
		return kindLyrics
	}
	if personLike(*ln) {
		return kindPersonLike
	}
	return kindText
}

// otherName: the words beside a composer's name are another person's ("Heinrich Heine
// Robert Schumann": a poet's and a composer's names that OCR or text extraction put on one
// line).
func otherName(ws []word, h composerHit) bool {
	var rest []word
	for k, w := range ws {
		if k < h.from || k > h.to {
			rest = append(rest, w)
		}
	}
	if len(rest) < 2 || len(rest) > 4 || !givenNames[rest[0].f] {
		return false
	}
	for _, w := range rest {
		if r := []rune(w.s); !unicode.IsUpper(r[0]) && !nameParticles[w.f] {
			return false
		}
	}
	return true
}

// partName is a part's name over its staff in a vocal score, a word in capitals and a full
// stop ("SESTO.", "BASSI."): the music has begun.
var partName = regexp.MustCompile(`^\p{Lu}{3,}\.$`)

func firstWord(ln *textLine) string {
	if len(ln.ws) == 0 {
		return ""
	}
	return ln.ws[0].f
}

// titleWindow is how many lines from the top a title is looked for in.
const titleWindow = 25

// pickTitle returns the first title-like line near the top, and whether it comes after a
// tempo mark, staff labels or lyrics (the music has begun: a weaker call); -1 if none. On a
// text layer, words after the music's glyphs are the music's (lyrics, a chord chart's
// words, an exercise's instructions), not a title: engraving programs print the title first.
func pickTitle(lines []textLine, ocr bool) (int, bool) {
	late, glyphs := false, 0
	for i, ln := range lines {
		if i >= titleWindow || !ocr && glyphs >= 2 {
			break
		}
		if ln.noisy {
			glyphs++
		}
		switch ln.kind {
		case kindText:
			if n := len(ln.text); n >= 2 && n <= 120 && !sentence(ln) {
				return i, late
			}
		case kindTempo, kindLyrics, kindDirection:
			late = true
		case kindInstruments:
			if s, _ := lineInstruments(ln); !s.glued && !instrumentPrepositions[firstWord(&ln)] {
				late = true // a staff label
			}
		}
	}
	return -1, false
}

// sentence: six words or more ending with a full stop, an exclamation or a question mark
// (an instruction, a note, a line of verse), not a title.
func sentence(ln textLine) bool {
	return len(ln.ws) >= 6 && strings.ContainsAny(ln.text[len(ln.text)-1:], ".!?")
}

// commonCall: a call that staff labels make with confidence — one instrument, a named
// ensemble, an orchestra or choir, a soloist with a keyboard, guitar, continuo or
// orchestra; not another list ("two violins and double bass" is a part of the staves).
func commonCall(n string) bool {
	if strings.Contains(n, ",") {
		return false
	}
	_, second, found := strings.Cut(n, " and ")
	if !found {
		return true
	}
	switch second {
	case "piano", "organ", "harpsichord", "guitar", "continuo", "orchestra", "string orchestra":
		return true
	}
	return strings.Contains(n, "choir")
}

// pickSubtitle returns the line that completes the title under it (a piece's name under its
// collection's, "Nocturne" under "Trois Nocturnes"; "No. 3"), looked for over the next few
// lines past the composer, catalogue, key and instrumentation lines; -1 if none.
func pickSubtitle(lines []textLine, title int) int {
	for j := title + 1; j < len(lines) && j <= title+5; j++ {
		switch lines[j].kind {
		case kindText:
			if len(lines[j].text) <= 120 {
				return j
			}
			return -1
		case kindNumber:
			if !romanNumeral.MatchString(lines[j].fold) && strings.ContainsFunc(lines[j].fold, isLetter) {
				return j
			}
		case kindNoise, kindComposer, kindName, kindCatalogue, kindKey, kindInstruments, kindDates, kindPersonLike, kindPoet,
			kindDedication, kindHeader, kindTagline:
		default:
			return -1
		}
	}
	return -1
}

// titleText is a title line as a title: without a composer named at its end (a title and a
// name on one line) and, when printed in capitals, in small letters.
func (l *Local) titleText(ln textLine, ocr bool) string {
	t := ln.text
	if h := ln.hit; h != nil && h.to == len(ln.ws)-1 && h.from > 0 {
		if head := strings.TrimRight(t[:ln.ws[h.from].start], " ,;:–—-/|"); len(head) >= 2 {
			t = head
		}
	}
	// Fonts with a "Nr." ligature print "№" (which OCR reads "Ne"); the title says it as
	// the opus does.
	t = strings.ReplaceAll(t, "№ ", "No. ")
	if ocr {
		t = ocrNumero.ReplaceAllString(t, "${1}No. $2")
	}
	return titleCase(t)
}

var ocrNumero = regexp.MustCompile(`(^|\s)N[e°º]\s*(\d)`)

// sensibleTitle: a title that a program did not make up ("Untitled", "Microsoft Word -
// doc1.docx", a file name), that is words, and that is not only a name or a catalogue
// number.
func (l *Local) sensibleTitle(s string) bool {
	if looksGeneric(s) {
		return false
	}
	ln := textLine{text: strings.Join(strings.Fields(s), " ")}
	ln.fold, ln.ws = fold(ln.text), words(ln.text)
	if !isWords(ln, false) && !catalogueOnly(ln, false) {
		return false
	}
	if _, ok := l.knownComposer(s); ok {
		return false
	}
	return true
}

// knownComposer returns the known composer that s names, s being a name and nothing else.
func (l *Local) knownComposer(s string) (string, bool) {
	c, ok := l.knownComposerEntry(s)
	return c.Name, ok
}

func (l *Local) knownComposerEntry(s string) (Composer, bool) {
	n := cleanName(s)
	ws := words(n)
	for _, h := range l.names.find(ws, false) {
		if leftover(ws, h.from, h.to) == 0 {
			return l.names.list[h.c], true
		}
	}
	return Composer{}, false
}

// composerInFilename finds a known composer anywhere in a file name ("Bach_Prelude…").
func (l *Local) composerInFilename(s string) (string, bool) {
	for _, h := range l.names.find(words(s), false) {
		return l.names.list[h.c].Name, true
	}
	return "", false
}

// composerFromPage sets the composer from the page: a known composer's name line first,
// then a name announced or dated, then a known composer named with a given name inside a
// line, then a line that looks like a person's name and is not the title.
func (l *Local) composerFromPage(lines []textLine, title int, page func(string, any, float64)) {
	for _, ln := range lines {
		if ln.kind == kindComposer && ln.hit != nil {
			c := confComposer
			if ln.hit.fuzzy {
				c = confComposerOCR
			}
			page("composer", l.names.list[ln.hit.c].Name, c)
			return
		}
	}
	for i, ln := range lines {
		if i < 40 && ln.kind == kindName {
			page("composer", ln.name, confNamed)
			return
		}
	}
	// "Trad., arr. J. Doe", "J. S. Bach – arr. F. Busoni": the composer before the arranger.
	for i, ln := range lines {
		if i >= 40 || ln.kind != kindArranger {
			continue
		}
		loc := arrangerRe.FindStringIndex(ln.fold)
		head := strings.Join(strings.Fields(ln.text)[:min(len(strings.Fields(ln.fold[:loc[0]])), len(strings.Fields(ln.text)))], " ")
		head = strings.Trim(head, " ,;:–—-/(")
		if head == "" {
			continue
		}
		if c := collectiveName(head, false); c != "" {
			page("composer", c, confNamed)
			return
		}
		if c, ok := l.knownComposer(head); ok {
			page("composer", c, confComposer)
			return
		}
	}
	// A poet's and a composer's names on one line ("Text von Eduard Mörike Hugo Wolf"): the
	// composer's name ends the line, after another name.
	for i, ln := range lines {
		if i >= 40 || ln.kind != kindPoet {
			continue
		}
		for _, h := range l.names.find(ln.ws, false) {
			if h.given && h.to == len(ln.ws)-1 && namesBefore(ln.ws[:h.from]) >= 2 {
				page("composer", l.names.list[h.c].Name, confComposerIn)
				return
			}
		}
	}
	for i, ln := range lines {
		if i < 40 && ln.hit != nil && (ln.kind == kindText || ln.kind == kindTempo || ln.kind == kindCatalogue || ln.kind == kindKey ||
			ln.kind == kindPersonLike) {
			page("composer", l.names.list[ln.hit.c].Name, confComposerIn)
			return
		}
	}
	for i, ln := range lines {
		// Only beside a title: alone, a name-like line may as well be the title ("Maria Stuart").
		if i < 15 && title >= 0 && ln.kind == kindPersonLike {
			page("composer", cleanName(ln.text), confPersonLike)
			return
		}
	}
}

// namesBefore counts the words that are not a poet line's cue words ("Text von", "Letra de").
func namesBefore(ws []word) int {
	n := 0
	for _, w := range ws {
		if !poetCues[w.f] && !composerCues[w.f] && !nameParticles[w.f] {
			n++
		}
	}
	return n
}

var poetCues = wordSet(`text texte textes words lyrics lyric poem poetry poesie poeme gedicht gedichte dichtung worte paroles
parole versi testo letra texto slova tekst libretto nach after apres secondo segun podle einem a`)

// fieldSource: lines whose catalogue numbers, keys and instruments are the piece's (not a
// dedication's, a poem's, an edition's, a tagline's, or sung words).
func fieldSource(k lineKind) bool {
	switch k {
	case kindTagline, kindHeader, kindDedication, kindPoet, kindEditor, kindLyrics:
		return false
	}
	return true
}

// catalogueFromPage returns the first catalogue number on the page with, when it has none,
// a number printed on a line of its own ("Op. 10" … "No. 3").
func catalogueFromPage(lines []textLine, title int, ocr bool) (string, bool) {
	for _, ln := range lines {
		if !fieldSource(ln.kind) {
			continue
		}
		ms := findCatalogues(ln.text, ocr)
		if len(ms) == 0 {
			continue
		}
		m := ms[0]
		if m.canWithin && !m.within && (title < 0 || !numberedGenre(lines[title])) {
			for j, o := range lines {
				if j >= 15 {
					break
				}
				if o.kind == kindNumber && j != title {
					if w := withinRe.FindStringSubmatch(o.text); w != nil && w[1] != "" && strings.ContainsFunc(o.fold, isLetter) {
						return m.value + " No. " + w[1], true
					}
				}
			}
		}
		return m.value, true
	}
	return "", false
}

// numberedGenres are works numbered on their own ("Sinfonie Nr. 5", "Sonate No. 14"): the
// number printed under such a title is the work's, not a number within its opus.
var numberedGenres = wordSet(`symphony symphonie sinfonie sinfonia symfonie symfonia sonata sonate sonatina sonatine sonatina
concerto konzert concert koncert quartet quartett quatuor quartetto kvartet kwartet cuarteto trio quintet quintett quintette
quintetto kvintet serenade serenata mass messe missa overture ouverture`)

func numberedGenre(ln textLine) bool {
	for _, w := range ln.ws {
		if numberedGenres[w.f] {
			return true
		}
	}
	return false
}

// instrumentationFromPage reads the instrumentation, most explicit first: a phrase ("für
// Violine und Klavier"), a line of instruments joined by "and" ("Chant et Piano"), an
// ensemble's name in the title ("Streichquartett"), the staff labels of the first system.
func instrumentationFromPage(lines []textLine) (string, float64) {
	for i, ln := range lines {
		if i >= 40 || !fieldSource(ln.kind) {
			continue
		}
		if s, ok := phraseInstruments(ln); ok {
			if n := s.name(); n != "" {
				return n, confPattern
			}
		}
	}
	for i, ln := range lines {
		if i < 40 && ln.kind == kindInstruments {
			if s, ok := lineInstruments(ln); ok && s.glued {
				if n := s.name(); n != "" {
					return n, confGlued
				}
			}
		}
	}
	for i, ln := range lines {
		if i < 40 && fieldSource(ln.kind) {
			if e := ensembleWords(ln); e != "" {
				return e, confEnsembleWord
			}
		}
	}
	// Staff labels, wherever text extraction put them: each instrument counted once per
	// number ("Violino I" and "Vl. 1" are one part, "Violino II" another).
	var set instrumentSet
	seen := map[string]bool{}
	labels := 0
	for _, ln := range lines {
		if ln.kind != kindInstruments || instrumentPrepositions[firstWord(&ln)] {
			continue
		}
		if s, _ := lineInstruments(ln); s.glued {
			continue
		}
		labels++
		for _, e := range labelEntries(ln) {
			if !seen[e] {
				seen[e] = true
				id, _, _ := strings.Cut(e, "#")
				set.add(id, 1)
			}
		}
	}
	if labels == 0 {
		return "", 0
	}
	n := set.name()
	if n == "" || !commonCall(n) {
		return "", 0
	}
	if labels == 1 && len(set.items) == 1 {
		return n, confLabel
	}
	return n, confLabels
}

// labelEntries are the parts a line of staff labels names, as "instrument#number"
// ("violin#1" for "Violino I", "Vl. 1" and "Violine 1"; "cello#" for "Violoncello").
func labelEntries(ln textLine) []string {
	var out []string
	for _, piece := range labelSeparators.Split(ln.text, -1) {
		pl := textLine{text: piece, fold: fold(piece), ws: words(piece)}
		s, ok := lineInstruments(pl)
		if !ok {
			continue
		}
		for m := range s.marks {
			out = append(out, m+"#")
		}
		number := ""
		if len(s.items) == 1 {
			if m := labelNumber.FindStringSubmatch(piece); m != nil {
				number = arabic(m[1])
			}
		}
		for _, id := range s.items {
			for k := 0; k < s.count[id]; k++ {
				if number != "" {
					out = append(out, id+"#"+number)
				} else {
					out = append(out, id+"#"+strings.Repeat("+", k))
				}
			}
		}
	}
	return out
}

var (
	labelSeparators = regexp.MustCompile(`[,;/|]|\s[–—-]\s`)
	labelNumber     = regexp.MustCompile(`(?i)(?:^|[\s.])([ivx]{1,4}|\d{1,2})\.?\s*$`)
)

// arabic turns a part's number ("II", "2") into digits.
func arabic(s string) string {
	if n, err := strconv.Atoi(s); err == nil {
		return strconv.Itoa(n)
	}
	v := map[byte]int{'i': 1, 'v': 5, 'x': 10}
	total, prev := 0, 0
	l := strings.ToLower(s)
	for i := len(l) - 1; i >= 0; i-- {
		n := v[l[i]]
		if n < prev {
			total -= n
		} else {
			total += n
			prev = n
		}
	}
	return strconv.Itoa(total)
}

// instrumentsIn reads the instrumentation of a short text (a title, a file name).
func instrumentsIn(s string) (string, bool) {
	for _, row := range strings.Split(s, "\n") {
		ln := textLine{text: row, fold: fold(row), ws: words(row)}
		if set, ok := phraseInstruments(ln); ok {
			if n := set.name(); n != "" {
				return n, true
			}
		}
		if e := ensembleWords(ln); e != "" {
			return e, true
		}
	}
	return "", false
}

// mergeMusic brings in what the engraved music says: the key signature; the instrumentation
// and key when the text is silent; when text and music disagree, the printed text wins with
// less confidence (and agreeing raises it a little).
func (l *Local) mergeMusic(r Result, m *Music) {
	if m == nil {
		return
	}
	if sig := m.KeySignature(); sig != "" {
		r.set("key_signature", sig, 0.85, SourceMusic)
	}
	call := m.Instrumentation
	conf := m.InstrumentationConfidence
	if call == "" && len(m.Names) > 0 {
		var set instrumentSet
		for _, n := range m.Names {
			ln := textLine{text: n, fold: fold(n), ws: words(n)}
			if s, ok := lineInstruments(ln); ok {
				for _, id := range s.items {
					set.add(id, s.count[id])
				}
				for mk := range s.marks {
					set.add(mk, 1)
				}
			}
		}
		call, conf = set.name(), confLabels
	}
	if call != "" && conf > 0 {
		if v, ok := r["instrumentation"]; !ok {
			r.set("instrumentation", call, conf, SourceMusic)
		} else {
			r["instrumentation"] = agree(v, v.Value == call, conf)
		}
	}
	if v, ok := r["key"]; ok {
		s, _ := v.Value.(string)
		fifths, known := keyFifths(s)
		switch {
		case m.KeySignatureRead && known && fifths != m.Fifths:
			r["key"] = agree(v, false, 0)
		case m.Key != "" && m.KeyConfidence > 0:
			r["key"] = agree(v, s == m.Key, m.KeyConfidence)
		case m.KeySignatureRead && known:
			r["key"] = agree(v, true, 0.5)
		}
	} else if m.Key != "" && m.KeyConfidence > 0 {
		r.set("key", m.Key, m.KeyConfidence, SourceMusic)
	}
}

// agree adjusts a printed value by what the music says of it.
func agree(v Value, same bool, musicConfidence float64) Value {
	if same {
		v.Confidence = min(0.95, max(v.Confidence, musicConfidence)+0.05)
	} else {
		v.Confidence *= disagreeing
	}
	return v
}

// arrangerName takes the arranger's name from an arranger's line ("arr. J. Doe",
// "Bearbeitung: Max Reger", "Arranged for piano by Franz Liszt").
func (l *Local) arrangerName(s string) string {
	f := fold(s)
	loc := arrangerRe.FindStringIndex(f)
	rest := s
	if loc != nil && loc[1] <= len(f) {
		// The folded line may be shorter than s; find the keyword's end in s by words.
		rest = afterWords(s, len(strings.Fields(f[:loc[1]])))
	}
	rest = strings.TrimLeft(rest, " .:")
	if i := lastCue.FindAllStringIndex(rest, -1); len(i) > 0 {
		rest = rest[i[len(i)-1][1]:]
	}
	n := cleanName(rest)
	if !looksLikeName(n) {
		return ""
	}
	return l.names.Canonical(n)
}

var lastCue = regexp.MustCompile(`(?i)(?:^|\s)(?:by|von|de|di|par|por|od|door|av|af)\s+`)

// afterWords returns s without its first n space-separated fields.
func afterWords(s string, n int) string {
	f := strings.Fields(s)
	if n >= len(f) {
		return ""
	}
	return strings.Join(f[n:], " ")
}

// looksGeneric: titles that programs write when there is none.
func looksGeneric(s string) bool {
	f := fold(s)
	for _, g := range []string{"untitled", "microsoft word", "document", "score", "sibelius", "musescore", "finale", "title", "ohne titel", "sans titre"} {
		if f == g || strings.HasPrefix(f, g+" ") && len(f) < len(g)+6 {
			return true
		}
	}
	if strings.HasPrefix(f, "microsoft word") {
		return true
	}
	for _, ext := range []string{".pdf", ".doc", ".docx", ".mscz", ".sib", ".musx", ".mus", ".ly", ".xml", ".musicxml", ".mid"} {
		if strings.HasSuffix(f, ext) || strings.Contains(f, ext+"]") {
			return true
		}
	}
	return false
}

// looksGenericName: file names that cameras, scanners and browsers make ("scan 00",
// "IMG 1234", "document(3)", "download"): no title.
var genericName = regexp.MustCompile(`(?i)^(?:scan|scanned|img|image|dsc|dscn|pict?|photo|foto|document|doc|file|download|score|untitled|page|seite|pdf|upload|cam|screenshot|whatsapp image)?[\s()\[\]\d.,x]*(?:\s*copy)?$`)

func looksGenericName(s string) bool {
	return genericName.MatchString(strings.TrimSpace(s)) || looksGeneric(s)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(strings.ToLower(s))
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func isLetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f && strings.ToUpper(string(r)) != strings.ToLower(string(r))
}

// guessLanguage tells the language of the title page's words from a few markers; "" when
// none is clear.
func guessLanguage(text string) string {
	f := " " + strings.Join(strings.Fields(fold(text)), " ") + " "
	score := map[string]int{}
	for lang, words := range map[string][]string{
		"de": {" fur ", " und ", " klavier ", " dur ", " moll ", " lieder ", " satz ", " von ", " gewidmet "},
		"fr": {" pour ", " et ", " en ", " majeur ", " mineur ", " sonate ", " de ", " a madame "},
		"it": {" per ", " e ", " maggiore ", " minore ", " sonata ", " di ", " pianoforte "},
		"es": {" para ", " y ", " mayor ", " menor ", " guitarra "},
		"en": {" for ", " and ", " major ", " minor ", " in ", " by "},
		"cs": {" pro ", " klavir ", " housle ", " skladby "},
		"nl": {" voor ", " groot ", " klein ", " en "},
		"pl": {" na fortepian ", " skrzypce ", " polonez "},
		"pt": {" para violao ", " maior ", " em "},
		"no": {" for klaver ", " og ", " stykker "},
	} {
		for _, w := range words {
			score[lang] += strings.Count(f, w)
		}
	}
	best, n := "", 0
	for _, lang := range []string{"en", "de", "fr", "it", "es", "cs", "nl", "pl", "pt", "no"} {
		if score[lang] > n {
			best, n = lang, score[lang]
		}
	}
	return best
}
