package metadata

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// word is a run of letters of a line: as printed, folded (lower case, no diacritics), and
// what follows it.
type word struct {
	s, f       string
	start, end int    // byte offsets in the line
	dot        bool   // a full stop follows at once ("J.", "Fr.", "Op.")
	comma      bool   // a comma follows, spaces aside ("Chopin, Frédéric")
	gap        string // the text up to the next word ("" for the last)
}

// words splits a line into words: runs of letters (with their combining marks); digits,
// hyphens, apostrophes and punctuation separate them.
func words(line string) []word {
	var out []word
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := word{s: line[start:end], start: start, end: end}
		w.f = fold(w.s)
		rest := line[end:]
		w.dot = strings.HasPrefix(rest, ".")
		w.comma = strings.HasPrefix(strings.TrimLeft(rest, " "), ",")
		out = append(out, w)
		start = -1
	}
	for i, r := range line {
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(line))
	for i := 0; i+1 < len(out); i++ {
		out[i].gap = line[out[i].end:out[i+1].start]
	}
	return out
}

func splitFields(s string) []string { return strings.Fields(s) }

// ComposerNames finds known composers in lines of text by their surnames, and checks the
// given names and initials around a surname against the composer's own. Its Canonical is
// the one name a composer is shown and grouped under. Safe for concurrent use.
type ComposerNames struct {
	list      []Composer
	bySurname map[string][]surname // the surname's last folded word → surnames ending with it
	givens    []map[string]bool    // per composer: the folded given names and initials
	keys      []string             // surname words of 5 letters or more, for OCR's misreads
}

type surname struct {
	c     int
	words []string // folded
	bare  bool     // the surname alone names this composer
}

// nameSuffixes follow a name without being part of it ("Johann Strauss II", "… le Grand").
var nameSuffixes = wordSet(`ii iii jr sr sohn vater le grand jun sen`)

// NewComposerNames returns the names of the composers of Composers.
func NewComposerNames() *ComposerNames { return newComposerNames(Composers()) }

func newComposerNames(list []Composer) *ComposerNames {
	x := &ComposerNames{list: list, bySurname: map[string][]surname{}, givens: make([]map[string]bool, len(list))}
	seenKey := map[string]bool{}
	for ci, c := range list {
		x.givens[ci] = map[string]bool{}
		var bare [][]string
		var full [][]string
		for _, n := range append([]string{c.Name}, c.Variants...) {
			ws := foldedWords(n)
			if len(ws) == 0 {
				continue
			}
			if !strings.Contains(strings.TrimSpace(n), " ") {
				bare = append(bare, ws)
			} else {
				full = append(full, ws)
			}
		}
		seen := map[string]bool{}
		add := func(ws []string, isBare bool) {
			k := strings.Join(ws, " ")
			if seen[k] {
				return
			}
			seen[k] = true
			last := ws[len(ws)-1]
			x.bySurname[last] = append(x.bySurname[last], surname{c: ci, words: ws, bare: isBare})
			if utf8.RuneCountInString(last) >= 5 && !seenKey[last] {
				seenKey[last] = true
				x.keys = append(x.keys, last)
			}
		}
		for _, ws := range bare {
			add(ws, true)
		}
		for _, ws := range full {
			for len(ws) > 1 && nameSuffixes[ws[len(ws)-1]] {
				ws = ws[:len(ws)-1]
			}
			// The surname: the longest bare surname the name ends (or, in the Hungarian
			// order, begins) with; else its last word.
			sur, given := ws[len(ws)-1:], ws[:len(ws)-1]
			for _, b := range bare {
				if len(b) < len(ws) && len(b) >= len(sur) && equalWords(ws[len(ws)-len(b):], b) {
					sur, given = b, ws[:len(ws)-len(b)]
				} else if len(b) < len(ws) && equalWords(ws[:len(b)], b) && len(sur) == 1 && !equalWords(sur, b) {
					if !containsWords(bare, sur) {
						sur, given = b, ws[len(b):]
					}
				}
			}
			add(sur, containsWords(bare, sur))
			for _, g := range given {
				if !nameParticles[g] {
					x.givens[ci][g] = true
				}
			}
		}
	}
	return x
}

func foldedWords(s string) []string {
	ws := words(s)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.f
	}
	return out
}

func equalWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func containsWords(list [][]string, ws []string) bool {
	for _, l := range list {
		if equalWords(l, ws) {
			return true
		}
	}
	return false
}

// composerHit is a known composer named in a line.
type composerHit struct {
	c        int
	from, to int  // the words of the name, given names and initials included
	given    bool // a given name or an initial agreed with the composer's
	fuzzy    bool // the surname was read with a misread letter (OCR)
}

// find returns the known composers named in ws, a line's words. With ocr, a surname of six
// letters or more may differ from the known one by a letter (two from nine letters on), when
// one known surname is nearest.
func (x *ComposerNames) find(ws []word, ocr bool) []composerHit {
	var hits []composerHit
	for i := 0; i < len(ws); i++ {
		refs, fuzzy := x.bySurname[ws[i].f], false
		if len(refs) == 0 && ocr {
			for _, k := range x.nearestKeys(ws[i].f) {
				refs, fuzzy = append(refs, x.bySurname[k]...), true
			}
		}
		best, bestScore := composerHit{c: -1}, -1
		for _, ref := range refs {
			n := len(ref.words)
			s := i - n + 1
			if s < 0 || !sameWords(ws[s:i], ref.words[:n-1]) {
				continue
			}
			h, ok := x.givenNames(ws, s, i, ref.c)
			if !ok {
				continue
			}
			if !h.given && !ref.bare {
				continue // a surname several composers share needs a given name
			}
			if fuzzy && !h.given && utf8.RuneCountInString(ws[i].f) < 7 {
				continue
			}
			h.fuzzy = fuzzy
			score := 4 * n
			if h.given {
				score += 10 + (s - h.from)
			}
			if ref.bare {
				score++
			}
			if score > bestScore {
				best, bestScore = h, score
			}
		}
		if best.c >= 0 {
			hits = append(hits, best)
			i = best.to
		}
	}
	return hits
}

func sameWords(ws []word, folded []string) bool {
	if len(ws) != len(folded) {
		return false
	}
	for i := range ws {
		if ws[i].f != folded[i] {
			return false
		}
	}
	return true
}

// givenNames looks at the words before the surname ws[s..i] (and after it, past a comma:
// "Chopin, Frédéric") for given names and initials: ones that agree with composer c's extend
// the hit; one that cannot be theirs ("C." before Johann Sebastian's "Bach", "Leopold" before
// "Mozart") means another person.
func (x *ComposerNames) givenNames(ws []word, s, i, c int) (composerHit, bool) {
	h := composerHit{c: c, from: s, to: i}
	agrees := func(w word) (isName, ok bool) {
		f := w.f
		n := utf8.RuneCountInString(f)
		switch {
		case x.givens[c][f]:
			return true, true
		case n <= 2 || w.dot && n <= 4:
			for g := range x.givens[c] {
				if strings.HasPrefix(g, f) {
					return true, true
				}
			}
			if nameParticles[f] {
				return false, true
			}
			return true, false
		case givenNames[f]:
			return true, false
		}
		return false, true
	}
	for k := s - 1; k >= 0 && s-k <= 5; k-- {
		if ws[k].comma || !onlySpacing(ws, k) {
			break
		}
		isName, ok := agrees(ws[k])
		if !ok {
			return h, false
		}
		if !isName {
			if nameParticles[ws[k].f] {
				continue
			}
			break
		}
		h.from, h.given = k, true
	}
	if ws[i].comma {
		for k := i + 1; k < len(ws) && k-i <= 4; k++ {
			isName, ok := agrees(ws[k])
			if !ok {
				return h, false
			}
			if !isName {
				if nameParticles[ws[k].f] {
					continue
				}
				break
			}
			h.to, h.given = k, true
			if ws[k].comma {
				break
			}
		}
	}
	return h, true
}

// onlySpacing: between word k and the next there are only spaces, full stops and hyphens.
func onlySpacing(ws []word, k int) bool {
	return strings.Trim(ws[k].gap, " .-‐") == ""
}

// nearestKeys returns the known surname words nearest to f (a misread by OCR): one word,
// or several spellings of one composer's name; nil when none is near or the nearest are
// different composers'.
func (x *ComposerNames) nearestKeys(f string) []string {
	n := utf8.RuneCountInString(f)
	if n < 6 {
		return nil
	}
	limit := 1
	if n >= 9 {
		limit = 2
	}
	var best []string
	bestD := limit + 1
	for _, k := range x.keys {
		kn := utf8.RuneCountInString(k)
		if kn < n-limit || kn > n+limit {
			continue
		}
		switch d := levenshtein(f, k); {
		case d < bestD:
			best, bestD = []string{k}, d
		case d == bestD:
			best = append(best, k)
		}
	}
	if len(best) == 1 {
		return best // the given names decide between the composers who share it
	}
	composer := -1
	for _, k := range best {
		for _, ref := range x.bySurname[k] {
			if composer >= 0 && ref.c != composer {
				return nil
			}
			composer = ref.c
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ar, br := []rune(a), []rune(b)
	prev := make([]int, len(br)+1)
	cur := make([]int, len(br)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ar); i++ {
		cur[0] = i
		for j := 1; j <= len(br); j++ {
			cost := 1
			if ar[i-1] == br[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(br)]
}

// composerCues are the words that announce or accompany a composer's name on a title page
// ("Musik von", "Music by", "par", "comp.") and are not part of it.
var composerCues = wordSet(`music musik musique musica hudba muzyka muziek musikk by von vom par de di da del des du od av af
door comp composed composer composee compose komponiert komponist compositeur compositore compositor skladatel
kompozytor attr attributed zugeschrieben attribue attribuito`)

// leftover counts the words of a line outside [from, to] that are neither cue words, name
// suffixes nor roman numerals: 0 or 1 means the line is the name (a "name line").
//
// A particle counts as a name's only in small letters ("van Beethoven", not "Der Bach"),
// unless the whole line is in capitals.
func leftover(ws []word, from, to int) int {
	caps := true
	for _, w := range ws {
		if strings.ToUpper(w.s) != w.s {
			caps = false
			break
		}
	}
	n := 0
	for k, w := range ws {
		if k >= from && k <= to {
			continue
		}
		particle := nameParticles[w.f] && (caps || w.s == strings.ToLower(w.s))
		if composerCues[w.f] || nameSuffixes[w.f] || particle || romanNumeral.MatchString(w.s) || utf8.RuneCountInString(w.f) < 2 {
			continue
		}
		n++
	}
	return n
}

var romanNumeral = regexp.MustCompile(`^(?i:[ivxl]+)$`)

// Canonical returns the name a composer is shown and grouped under: a known composer's name
// for any way of writing it ("Chopin, Frédéric", "F. Chopin", "FRÉDÉRIC CHOPIN" → "Frédéric
// Chopin"); another name tidied ("MÜLLER, Hans (1900–1980)" → "Hans Müller").
func (x *ComposerNames) Canonical(name string) string {
	if c := collectiveName(name, false); c != "" {
		return c
	}
	name = cleanName(name)
	if name == "" {
		return ""
	}
	ws := words(name)
	for _, h := range x.find(ws, false) {
		if leftover(ws, h.from, h.to) == 0 {
			return x.list[h.c].Name
		}
	}
	return name
}

var (
	lifeDates  = regexp.MustCompile(`\(?\s*(?:\*|†|b\.|geb\.|née?|born|c\.|ca\.|um)?\s*1[0-9]{3}\s*(?:\?|[-–—/]\s*(?:1[0-9]{3}|20[0-9]{2}|[0-9]{2})?\s*\??)?\s*\)?`)
	namePrefix = regexp.MustCompile(`(?i)^\s*(?:(?:music|words and music|musik|musique|musica|música|hudba|muzyka|komponiert|composed|composta|compuesta)\s+(?:by|von|de|di|da|od|der)|composer|komponist|compositeur|comp\.?|by|von|par|di|de)\s*[:.]?\s+`)
)

// cleanName takes the dates, the cue words and the "Last, First" order off a name, and the
// capitals off one printed in capitals.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = lifeDates.ReplaceAllString(s, " ")
	s = namePrefix.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, " ,;:·–—-/()[]")
	if parts := strings.Split(s, ","); len(parts) == 2 {
		last, first := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if last != "" && first != "" && len(strings.Fields(last)) <= 3 && len(strings.Fields(first)) <= 4 &&
			!strings.ContainsAny(first, "0123456789") {
			s = first + " " + last
		}
	}
	return fixCaps(s)
}

// fixCaps writes words printed in capitals with a capital and small letters ("FRÉDÉRIC
// CHOPIN" → "Frédéric Chopin", "MÜLLER" → "Müller"), particles in small letters; short
// words in capitals in a name that has small letters too stay ("CPE Bach"), as do roman
// numerals.
func fixCaps(s string) string {
	allCaps := !strings.ContainsFunc(s, unicode.IsLower)
	ws := strings.Fields(s)
	for i, w := range ws {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if strings.ContainsFunc(w, unicode.IsLower) || letters < 2 || romanNumeral.MatchString(strings.Trim(w, ".,")) {
			continue
		}
		if !allCaps && letters < 4 {
			continue
		}
		lw := strings.ToLower(w)
		if i > 0 && nameParticles[strings.Trim(lw, ".,")] {
			ws[i] = lw
			continue
		}
		ws[i] = capitalizeParts(lw)
	}
	return strings.Join(ws, " ")
}

// capitalizeParts capitalises each part of a lower-case word split at hyphens and
// apostrophes ("saint-saëns" → "Saint-Saëns", "d'indy" → "D'Indy").
func capitalizeParts(w string) string {
	var b strings.Builder
	up := true
	for _, r := range w {
		if up && unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
			up = false
			continue
		}
		b.WriteRune(r)
		if r == '-' || r == '\'' || r == '’' {
			up = true
		}
	}
	return b.String()
}
