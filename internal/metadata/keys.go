package metadata

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/mirubato/mirubato/internal/textfold"
)

// Keys are read only with their mode ("major", "Dur", "mineur", "moll"…): a note name alone
// is too often something else ("B", "Do", "mi").
var (
	// German, and the Czech, Polish, Dutch, Scandinavian and Hungarian usage that follows it:
	// "Es-Dur", "fis-Moll", "As-dur", "h moll", "Ess-dur"; B is B-flat and H is B.
	keyGermanRe = regexp.MustCompile(`(?i)(?:^|[^\pL])([a-h])(isis|eses|iss|ess|is|es|ss|s)?\s?[-–]?\s?(dur|moll)(?:$|[^\pL])`)
	// English: "E-flat major", "Eb major", "E♭ minor", "in a minor", "F# minor".
	keyEnglishRe = regexp.MustCompile(`(?i)(?:^|[^\pL])(in\s+)?([a-g])(?:\s?(♭|♯|#)|(b)|[\s-]+(flat|sharp))?[\s-]+(major|minor|maj|min)(?:$|[^\pL])`)
	// Solfège: French, Italian, Spanish, Portuguese: "ré mineur", "mi bémol majeur",
	// "Re minore", "Mi bemolle maggiore", "Si bemol mayor", "mi menor", "Dó maior".
	keySolfegeRe = regexp.MustCompile(`(?:^|[^\pL])(do|ut|re|mi|fa|sol|la|si)(?:[\s-]*(bemolle|bemol|diesis|diese|sostenido|sustenido|♭|♯|#|b))?[\s-]+(majeur|mineur|maggiore|minore|mayor|menor|maior)(?:$|[^\pL])`)
	// Dutch: "in Es groot", "in a klein".
	keyDutchRe = regexp.MustCompile(`(?i)(?:^|[^\pL])in\s+([a-h])(is|es|s)?\s+(groot|klein)(?:$|[^\pL])`)
)

var solfegeNote = map[string]string{"do": "C", "ut": "C", "re": "D", "mi": "E", "fa": "F", "sol": "G", "la": "A", "si": "B"}

// keyMatch is a key found in a text.
type keyMatch struct {
	key        string // "E-flat major"
	start, end int    // in the text without diacritics
}

// findKey returns the first key named in text.
func findKey(text string) (keyMatch, bool) {
	plain := textfold.Plain(text)
	lower := strings.ToLower(plain)
	var found []keyMatch
	for _, m := range keyGermanRe.FindAllStringSubmatchIndex(plain, -1) {
		note, acc, mode := lower[m[2]:m[3]], group(lower, m, 2), lower[m[6]:m[7]]
		found = append(found, keyMatch{germanKey(note, acc, mode == "moll"), m[2], m[7]})
	}
	for _, m := range keyEnglishRe.FindAllStringSubmatchIndex(plain, -1) {
		in, letter := m[2] >= 0, plain[m[4]:m[5]]
		if !in && !unicode.IsUpper(rune(letter[0])) {
			continue // "a minor point"
		}
		acc := group(lower, m, 3) + group(lower, m, 4) + group(lower, m, 5)
		mode := lower[m[12]:m[13]]
		found = append(found, keyMatch{spell(strings.ToUpper(letter), accidental(acc), strings.HasPrefix(mode, "min")), m[4], m[13]})
	}
	for _, m := range keySolfegeRe.FindAllStringSubmatchIndex(lower, -1) {
		if !solfegeInContext(lower, m[2], m[7]) {
			continue
		}
		note, acc, mode := lower[m[2]:m[3]], group(lower, m, 2), lower[m[6]:m[7]]
		minor := mode == "mineur" || mode == "minore" || mode == "menor"
		found = append(found, keyMatch{spell(solfegeNote[note], accidental(acc), minor), m[2], m[7]})
	}
	for _, m := range keyDutchRe.FindAllStringSubmatchIndex(lower, -1) {
		note, acc := lower[m[2]:m[3]], group(lower, m, 2)
		// Dutch writes B for B and Bes for B-flat, as English does, but -is/-es as German.
		a := ""
		switch acc {
		case "is":
			a = "-sharp"
		case "es", "s":
			a = "-flat"
		}
		found = append(found, keyMatch{spell(strings.ToUpper(note), a, lower[m[6]:m[7]] == "klein"), m[2], m[7]})
	}
	if len(found) == 0 {
		return keyMatch{}, false
	}
	first := found[0]
	for _, f := range found[1:] {
		if f.start < first.start {
			first = f
		}
	}
	return first, true
}

// group returns group g of the match m in s, "" when it took no part.
func group(s string, m []int, g int) string {
	if 2*g+1 >= len(m) || m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

// solfegeInContext: a solfège key must stand where a key stands — after "in", "en", "em"
// and before the end of the line, a punctuation mark or a word that follows keys ("para",
// "op."); or alone on its line. "la mayor parte" is no key.
func solfegeInContext(lower string, start, end int) bool {
	after := strings.TrimLeft(lower[end:], " ")
	if after == "" || strings.ContainsAny(after[:1], ",.;:)–-—(/\n") {
		return true
	}
	next := strings.Fields(after)[0]
	next = strings.Trim(next, ".,;:")
	before := strings.Fields(lower[:start])
	prep := len(before) > 0 && (before[len(before)-1] == "en" || before[len(before)-1] == "in" || before[len(before)-1] == "em")
	switch next {
	case "para", "pour", "per", "for", "op", "opus", "no", "n", "nr", "fur", "voor", "pro", "bwv", "kv", "k", "d", "hob", "s":
		return prep || len(before) == 0
	}
	return false
}

// germanKey spells a German key name: "es" E-flat, "fis" F-sharp, "b" B-flat, "h" B.
func germanKey(note, acc string, minor bool) string {
	letter := strings.ToUpper(note)
	a := ""
	switch acc {
	case "is", "iss":
		a = "-sharp"
	case "isis":
		a = "-double-sharp"
	case "es", "s", "ss", "ess":
		a = "-flat"
	case "eses":
		a = "-double-flat"
	}
	switch {
	case letter == "H":
		letter = "B"
	case letter == "B" && a == "":
		a = "-flat"
	}
	return spell(letter, a, minor)
}

func accidental(a string) string {
	switch a {
	case "flat", "♭", "b", "bemol", "bemolle":
		return "-flat"
	case "sharp", "♯", "#", "diese", "diesis", "sostenido", "sustenido":
		return "-sharp"
	}
	return ""
}

func spell(letter, acc string, minor bool) string {
	if minor {
		return letter + acc + " minor"
	}
	return letter + acc + " major"
}

// keyFifths is the key signature of a key as spelled by spell (sharps positive), and
// whether the key was understood.
func keyFifths(key string) (int, bool) {
	f := strings.Fields(key)
	if len(f) != 2 {
		return 0, false
	}
	note, mode := f[0], f[1]
	base := map[byte]int{'C': 0, 'G': 1, 'D': 2, 'A': 3, 'E': 4, 'B': 5, 'F': -1}
	n, ok := base[note[0]]
	if !ok {
		return 0, false
	}
	switch strings.TrimPrefix(note[1:], "-") {
	case "":
	case "sharp":
		n += 7
	case "flat":
		n -= 7
	default:
		return 0, false
	}
	if mode == "minor" {
		n -= 3
	}
	return n, true
}

// keyOnly: the line names a key and nothing else that is a word ("fis-Moll", "en ré mineur",
// "in E-flat major").
func keyOnly(l textLine) bool {
	k, ok := findKey(l.text)
	if !ok {
		return false
	}
	plain := textfold.Plain(l.text)
	rest := plain[:k.start] + " " + plain[min(k.end, len(plain)):]
	for _, w := range words(rest) {
		switch w.f {
		case "in", "en", "em", "tonart", "tonalite", "tonalita", "tonalidad", "key", "of":
			continue
		}
		if utf8Len(w.f) >= 2 {
			return false
		}
	}
	return true
}

func utf8Len(s string) int { return len([]rune(s)) }
