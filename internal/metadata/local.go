package metadata

import (
	"context"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Local extracts metadata without any network: from the information dictionary (standard
// keys and the ones engraving programs add, such as Composer, Subtitle, Arranger, Opus), the
// first page's text, and the file name, with a list of composers and their name variants and
// the catalogue-number patterns (Op., BWV, K., D., Hob., …).
type Local struct {
	composers []composerMatcher
	catalogue *regexp.Regexp
	key       *regexp.Regexp
	tempo     *regexp.Regexp
	instr     *regexp.Regexp
	year      *regexp.Regexp
	timeSig   *regexp.Regexp
}

type composerMatcher struct {
	Composer
	pattern *regexp.Regexp // on folded text
}

// NewLocal returns the local provider.
func NewLocal() *Local {
	l := &Local{
		// Catalogue numbers: opus (with a number within), and the catalogues of Bach (BWV),
		// Mozart (K., KV), Schubert (D.), Haydn (Hob.), Handel (HWV), Vivaldi (RV), Liszt (S.),
		// Scarlatti (K., Kk., L.) and works without opus (WoO).
		catalogue: regexp.MustCompile(`(?i)\b(?:(Op(?:us)?\.?\s*\d+[a-z]?(?:\s*,?\s*No\.?\s*\d+)?)|(BWV\s*\d+[a-z]?)|(KV?\.?\s*\d+[a-z]?)|(D\.?\s*\d{2,4})|(Hob\.?\s*[IVXL]+[a-z]?\s*[:/]\s*\d+)|(HWV\s*\d+)|(RV\s*\d+)|(S\.\s*\d+)|(Kk\.\s*\d+)|(L\.\s*\d+)|(WoO\.?\s*\d+))\b`),
		key:       regexp.MustCompile(`(?i)\bin\s+([A-G])(?:\s*|-)(flat|sharp|♭|♯|b|#)?\s*-?\s*(major|minor|maj|min|dur|moll)\b`),
		tempo:     regexp.MustCompile(`(?i)\b(Grave|Largo|Larghetto|Lento|Adagio|Adagietto|Andante|Andantino|Moderato|Allegretto|Allegro|Vivace|Vivacissimo|Presto|Prestissimo|Tempo di [A-Za-z]+)\b(?:\s+(?:ma non troppo|con brio|assai|moderato|cantabile|sostenuto|espressivo|molto|giocoso|vivace|agitato|con moto))?`),
		instr:     regexp.MustCompile(`(?i)\bfor\s+((?:solo\s+)?(?:piano|pianoforte|violin|viola|cello|violoncello|double bass|flute|oboe|clarinet|bassoon|horn|trumpet|trombone|tuba|guitar|harp|organ|harpsichord|voice|soprano|alto|tenor|baritone|bass|choir|chorus|orchestra|string quartet|SATB)(?:(?:\s*(?:,|and|&)\s*)(?:piano|pianoforte|violin|viola|cello|violoncello|flute|oboe|clarinet|bassoon|horn|guitar|harp|organ|voice|orchestra|continuo))*)\b`),
		year:      regexp.MustCompile(`\b(1[5-9]\d\d|20\d\d)\b`),
		timeSig:   regexp.MustCompile(`(?:^|\s)([2-9]|12)/(2|4|8|16)(?:\s|$)`),
	}
	for _, c := range Composers() {
		names := append([]string{c.Name}, c.Variants...)
		// Longest first, so "Clara Schumann" wins over "Schumann" in the same text.
		sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = regexp.QuoteMeta(fold(n))
		}
		l.composers = append(l.composers, composerMatcher{Composer: c,
			pattern: regexp.MustCompile(`(?:^|[^\pL])(?:` + strings.Join(quoted, "|") + `)(?:$|[^\pL])`)})
	}
	return l
}

// Extract implements Provider.
func (l *Local) Extract(_ context.Context, in Input) (Result, error) {
	r := Result{}
	info := func(keys ...string) string {
		for _, k := range keys {
			for ik, v := range in.Info {
				if strings.EqualFold(ik, k) && strings.TrimSpace(v) != "" {
					return v
				}
			}
		}
		return ""
	}
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(in.Filename, `\`, "/")), path.Ext(in.Filename))
	nameText := strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '+' }), " ")
	lines := textLines(in.FirstPageText)
	pageSource := SourcePageText
	if in.FirstPageSource == SourceOCR {
		pageSource = SourceOCR
	}

	// Information dictionary: engraving programs put the composer in Composer or Author and
	// the subtitle in Subtitle or Subject.
	if v := info("Title"); v != "" && !looksGeneric(v) {
		r.set("title", v, 0.9, SourceInfoDict)
	}
	if v := info("Subtitle", "Subject"); v != "" {
		r.set("subtitle", v, 0.8, SourceInfoDict)
	}
	if v := info("Composer"); v != "" {
		r.set("composer", l.canonicalComposer(v), 0.9, SourceInfoDict)
	} else if v := info("Author"); v != "" {
		if c, ok := l.findComposer(v); ok {
			r.set("composer", c.Name, 0.85, SourceInfoDict)
		} else {
			r.set("composer", v, 0.5, SourceInfoDict)
		}
	}
	if v := info("Arranger", "Lyricist"); v != "" {
		r.set("arranger", v, 0.8, SourceInfoDict)
	}
	if v := info("Opus"); v != "" {
		r.set("opus", v, 0.9, SourceInfoDict)
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

	// First page text: the title is usually the first prominent line; the composer is
	// named near the top.
	for _, line := range lines {
		if len(line) >= 3 && len(line) <= 80 && !looksGeneric(line) {
			if _, isComposer := l.findComposer(line); !isComposer && !l.tempo.MatchString(line) {
				r.set("title", line, 0.5, pageSource)
				break
			}
		}
	}
	if c, ok := l.findComposer(in.FirstPageText); ok {
		r.set("composer", c.Name, 0.7, pageSource)
	}
	if c, ok := l.findComposer(nameText); ok {
		r.set("composer", c.Name, 0.4, SourceFilename)
	}
	if nameText != "" {
		r.set("title", nameText, 0.3, SourceFilename)
	}

	// Patterns, looked for in the most reliable place first.
	places := []struct {
		text       string
		confidence float64
		source     string
	}{
		{info("Title") + "\n" + info("Subtitle", "Subject"), 0.85, SourceInfoDict},
		{in.FirstPageText, 0.65, pageSource},
		{nameText, 0.4, SourceFilename},
	}
	for _, p := range places {
		if p.text == "" {
			continue
		}
		if m := l.catalogue.FindString(p.text); m != "" {
			r.set("opus", normalizeCatalogue(m), p.confidence, p.source)
		}
		if m := l.key.FindStringSubmatch(p.text); m != nil {
			r.set("key", normalizeKey(m[1], m[2], m[3]), p.confidence, p.source)
		}
		if m := l.tempo.FindString(p.text); m != "" {
			r.set("tempo", capitalize(m), p.confidence-0.05, p.source)
		}
		if m := l.instr.FindStringSubmatch(p.text); m != nil {
			r.set("instrumentation", strings.ToLower(m[1]), p.confidence, p.source)
		}
		if m := l.timeSig.FindStringSubmatch(p.text); m != nil && p.source == SourcePageText {
			r.set("time_signature", m[1]+"/"+m[2], 0.4, p.source)
		}
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
			if m, ok := l.findComposer(s); ok {
				r.set("period", m.Period, c.Confidence*0.9, c.Source)
			}
		}
	}
	if t, ok := r["title"]; ok {
		if s, _ := t.Value.(string); s != "" {
			r.set("language", guessLanguage(s+" "+in.FirstPageText), 0.3, SourcePageText)
		}
	}
	return r, nil
}

// findComposer returns the composer named in text, preferring the longest (most specific)
// name matched.
func (l *Local) findComposer(text string) (Composer, bool) {
	folded := fold(text)
	best, bestLen := Composer{}, 0
	for _, c := range l.composers {
		if m := c.pattern.FindString(folded); len(m) > bestLen {
			best, bestLen = c.Composer, len(m)
		}
	}
	return best, bestLen > 0
}

// canonicalComposer turns a known variant into the composer's name; other text is kept.
func (l *Local) canonicalComposer(s string) string {
	if c, ok := l.findComposer(s); ok {
		return c.Name
	}
	return s
}

func textLines(text string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\f", "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
		if len(out) == 30 {
			break
		}
	}
	return out
}

// looksGeneric: titles that programs write when there is none.
func looksGeneric(s string) bool {
	f := fold(s)
	for _, g := range []string{"untitled", "microsoft word", "document", "score", "sibelius", "musescore", "finale"} {
		if f == g || strings.HasPrefix(f, g+" ") && len(f) < len(g)+6 {
			return true
		}
	}
	if strings.HasPrefix(f, "microsoft word") {
		return true
	}
	for _, ext := range []string{".pdf", ".doc", ".docx", ".mscz", ".sib", ".musx", ".ly"} {
		if strings.HasSuffix(f, ext) {
			return true
		}
	}
	return false
}

func normalizeCatalogue(m string) string {
	m = strings.Join(strings.Fields(m), " ")
	lower := strings.ToLower(m)
	for _, p := range []struct{ prefix, canon string }{
		{"opus", "Op."}, {"op.", "Op."}, {"op", "Op."}, {"bwv", "BWV"}, {"kv", "K."}, {"kk.", "Kk."}, {"k.", "K."},
		{"k", "K."}, {"d.", "D."}, {"d", "D."}, {"hob.", "Hob."}, {"hob", "Hob."}, {"hwv", "HWV"}, {"rv", "RV"},
		{"s.", "S."}, {"l.", "L."}, {"woo.", "WoO"}, {"woo", "WoO"},
	} {
		if strings.HasPrefix(lower, p.prefix) {
			rest := strings.TrimSpace(m[len(p.prefix):])
			rest = regexp.MustCompile(`(?i)\s*,?\s*No\.?\s*`).ReplaceAllString(rest, " No. ")
			return p.canon + " " + rest
		}
	}
	return m
}

func normalizeKey(note, accidental, mode string) string {
	out := strings.ToUpper(note)
	switch strings.ToLower(accidental) {
	case "flat", "♭", "b":
		out += "-flat"
	case "sharp", "♯", "#":
		out += "-sharp"
	}
	switch strings.ToLower(mode) {
	case "minor", "min", "moll":
		return out + " minor"
	default:
		return out + " major"
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// guessLanguage tells the language of the title page's words from a few markers; "" when
// none is clear.
func guessLanguage(text string) string {
	f := " " + fold(text) + " "
	score := map[string]int{}
	for lang, words := range map[string][]string{
		"de": {" fur ", " und ", " klavier ", " dur ", " moll ", " lieder ", " satz "},
		"fr": {" pour ", " et ", " en ", " majeur ", " mineur ", " sonate "},
		"it": {" per ", " e ", " maggiore ", " minore ", " sonata "},
		"es": {" para ", " y ", " mayor ", " menor "},
		"en": {" for ", " and ", " major ", " minor ", " in "},
	} {
		for _, w := range words {
			score[lang] += strings.Count(f, w)
		}
	}
	best, n := "", 0
	for _, lang := range []string{"en", "de", "fr", "it", "es"} {
		if score[lang] > n {
			best, n = lang, score[lang]
		}
	}
	return best
}
