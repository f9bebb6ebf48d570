package define

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mirubato/mirubato/internal/glossary"
)

// Quality is the rubric's verdict on a definition: a score from 0 to 1 and what is wrong.
type Quality struct {
	Score  float64
	Issues []string
}

// The rubric (docs/dictionary.md): points for each part of a good entry, adding up to 1,
// and two gates that cap the score whatever the points: a definition not in the language
// asked for, and text that is not a definition at all (refusals, placeholders).
const (
	pointsConcise     = 0.20 // present, at most 200 characters
	pointsNotCircular = 0.05 // says more than the term
	pointsDetailed    = 0.20 // a real paragraph, not the concise one again
	pointsLanguage    = 0.20 // written in the language asked for
	pointsEtymology   = 0.07
	pointsIPA         = 0.08
	pointsExample     = 0.08
	pointsRelated     = 0.06 // at least two related terms
	pointsReferences  = 0.03
	pointsOrigin      = 0.03 // a known type and a language code for the source

	capWrongLanguage = 0.4
	capNotDefinition = 0.2
)

var (
	ipaLike     = regexp.MustCompile(`^[/\[].+[/\]]$`)
	langCode    = regexp.MustCompile(`^[a-z]{2}$`)
	placeholder = regexp.MustCompile(`(?i)lorem ipsum|\bas an ai\b|language model|i cannot|i'm sorry|i am sorry|\btodo\b|\btbd\b|\[insert|n/a`)
)

// Assess scores a definition of r.Term in r.Lang.
func Assess(r Request, a Answer) Quality {
	var q Quality
	d := a.Definition
	fail := func(format string, args ...any) { q.Issues = append(q.Issues, fmt.Sprintf(format, args...)) }
	cjk := strings.HasPrefix(r.Lang, "zh")

	switch n := utf8.RuneCountInString(d.Concise); {
	case n == 0:
		fail("the concise definition is missing")
	case n > glossary.MaxConcise:
		fail("the concise definition is %d characters; it must be at most %d", n, glossary.MaxConcise)
	default:
		q.Score += pointsConcise
	}
	if words(d.Concise, cjk) >= 3 && glossary.Key(d.Concise) != glossary.Key(a.Term) {
		q.Score += pointsNotCircular
	} else if d.Concise != "" {
		fail("the concise definition only repeats the term")
	}
	minDetailed := 25
	if cjk {
		minDetailed = 40 // characters, not words
	}
	switch {
	case words(d.Detailed, cjk) < minDetailed:
		fail("the detailed definition is too short (at least %d %s)", minDetailed, map[bool]string{true: "characters", false: "words"}[cjk])
	case glossary.Key(d.Detailed) == glossary.Key(d.Concise):
		fail("the detailed definition repeats the concise one")
	default:
		q.Score += pointsDetailed
	}
	inLanguage := true
	if problem := languageProblem(r.Lang, d.Concise+" "+d.Detailed+" "+d.Example); problem != "" {
		inLanguage = false
		fail("%s", problem)
	} else {
		q.Score += pointsLanguage
	}
	if strings.TrimSpace(d.Etymology) != "" {
		q.Score += pointsEtymology
	} else {
		fail("the etymology is missing")
	}
	if ipaLike.MatchString(strings.TrimSpace(d.Pronunciation.IPA)) {
		q.Score += pointsIPA
	} else {
		fail("the pronunciation is not IPA between slashes or brackets")
	}
	if strings.TrimSpace(d.Example) != "" {
		q.Score += pointsExample
	} else {
		fail("the usage example is missing")
	}
	if len(d.Related) >= 2 {
		q.Score += pointsRelated
	} else {
		fail("fewer than two related terms")
	}
	if len(d.References) >= 1 {
		q.Score += pointsReferences
	} else {
		fail("no references")
	}
	if known(a.Type) && (a.SourceLang == "" || langCode.MatchString(a.SourceLang)) {
		q.Score += pointsOrigin
	} else {
		fail("the type or the source language is not valid")
	}

	if !inLanguage {
		q.Score = min(q.Score, capWrongLanguage)
	}
	for _, text := range []string{d.Concise, d.Detailed, d.Example} {
		if placeholder.MatchString(text) {
			fail("the text is not a definition (a refusal or a placeholder)")
			q.Score = min(q.Score, capNotDefinition)
			break
		}
	}
	q.Score = float64(int(q.Score*1000+0.5)) / 1000 // the sums above are not exact in binary
	if q.Issues == nil {
		q.Issues = []string{}
	}
	return q
}

func known(typ string) bool {
	for _, t := range glossary.Types() {
		if t == typ {
			return true
		}
	}
	return false
}

// words counts words, or for Chinese, Han characters.
func words(s string, cjk bool) int {
	if !cjk {
		return len(strings.Fields(s))
	}
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// Function words by language: a text in a language uses its own most.
var functionWords = map[string][]string{
	"en": {"the", "and", "of", "to", "is", "in", "a", "with", "that", "it", "for", "as", "by", "which", "are", "an", "or", "this"},
	"es": {"el", "la", "los", "las", "de", "y", "en", "que", "es", "con", "un", "una", "por", "se", "del", "para", "como", "su"},
	"fr": {"le", "la", "les", "des", "de", "et", "en", "est", "un", "une", "du", "que", "qui", "avec", "pour", "dans", "au", "sur"},
	"de": {"der", "die", "das", "und", "ist", "mit", "ein", "eine", "den", "dem", "des", "im", "zu", "von", "auf", "für", "wird", "sich"},
}

// Characters written differently in simplified and traditional Chinese, common in music text.
const (
	simplifiedOnly  = "这们来时为个说国过发会对后么种声乐调强渐奏节谱弹与应该变"
	traditionalOnly = "這們來時為個說國過發會對後麼種聲樂調強漸奏節譜彈與應該變"
)

// languageProblem says why text is not in lang ("" when it is, or too short to tell).
func languageProblem(lang, text string) string {
	var han, latin int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	if strings.HasPrefix(lang, "zh") {
		if han == 0 || han*2 < latin {
			return "the definition is not written in Chinese"
		}
		var simp, trad int
		for _, r := range text {
			if strings.ContainsRune(simplifiedOnly, r) && !strings.ContainsRune(traditionalOnly, r) {
				simp++
			}
			if strings.ContainsRune(traditionalOnly, r) && !strings.ContainsRune(simplifiedOnly, r) {
				trad++
			}
		}
		if lang == "zh-CN" && trad > simp {
			return "the definition is in traditional characters, not simplified (zh-CN)"
		}
		if lang == "zh-TW" && simp > trad {
			return "the definition is in simplified characters, not traditional (zh-TW)"
		}
		return ""
	}
	if han > latin {
		return fmt.Sprintf("the definition is not written in %s", languageNames[lang])
	}
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		for l, list := range functionWords {
			for _, fw := range list {
				if w == fw {
					counts[l]++
				}
			}
		}
	}
	best, bestN := "", 0
	for _, l := range []string{"en", "es", "fr", "de"} {
		if counts[l] > bestN {
			best, bestN = l, counts[l]
		}
	}
	if bestN >= 3 && counts[lang] < bestN {
		return fmt.Sprintf("the definition seems to be written in %s, not %s", languageNames[best], languageNames[lang])
	}
	return ""
}
