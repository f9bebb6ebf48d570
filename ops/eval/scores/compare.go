package main

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/mirubato/mirubato/internal/textfold"
)

// The fields scored, in the tables' order.
var fields = []string{"title", "subtitle", "composer", "opus", "key", "instrumentation", "pages", "search"}

// got is what the product says about one file.
type got struct {
	Title, Subtitle, Composer, Opus, Key, Instrumentation string
	Pages                                                 int
	Found                                                 map[string]bool // search word → the score was among the hits
}

func (g got) value(field string) string {
	switch field {
	case "title":
		return g.Title
	case "subtitle":
		return g.Subtitle
	case "composer":
		return g.Composer
	case "opus":
		return g.Opus
	case "key":
		return g.Key
	case "instrumentation":
		return g.Instrumentation
	}
	return ""
}

// correct says whether the product got field right for the ground truth r. Empty when the
// ground truth is empty is right; a value when the ground truth is empty is wrong (a value
// that is not on the page is worse than none).
func correct(r record, g got, field string) bool {
	switch field {
	case "pages":
		return g.Pages == r.Pages
	case "search":
		for _, w := range r.Search {
			if !g.Found[w] {
				return false
			}
		}
		return true
	case "title":
		return matchAny(normText, g.Title, append([]string{r.Title}, r.TitleAlt...))
	case "subtitle":
		return matchAny(normText, g.Subtitle, []string{r.Subtitle})
	case "composer":
		return matchAny(normName, g.Composer, append([]string{r.Composer}, r.ComposerAlt...))
	case "opus":
		return matchAny(normCatalogue, g.Opus, []string{r.Opus})
	case "key":
		return matchAny(normKey, g.Key, []string{r.Key})
	case "instrumentation":
		return matchAny(normInstrumentation, g.Instrumentation, []string{r.Instrumentation})
	}
	return false
}

func matchAny(norm func(string) string, v string, want []string) bool {
	n := norm(v)
	for _, w := range want {
		if norm(w) == n {
			return true
		}
	}
	return false
}

// fold: lower case, no diacritics, and the letters Unicode does not decompose spelled out.
func fold(s string) string {
	s = strings.ToLower(textfold.Plain(s))
	return strings.NewReplacer("ø", "o", "æ", "ae", "œ", "oe", "ß", "ss", "ł", "l", "đ", "d", "’", "'").Replace(s)
}

// words keeps letters and digits (and the characters in keep), one space between words.
func words(s, keep string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(keep, r)
	}), " ")
}

// numero: the ways a number within an opus is printed (Nr., No., N°, Nº, N.º, №, č., núm.,
// n.), on folded text; C059's "Nr" ligature is the numero sign in extracted text.
var numero = regexp.MustCompile(`(?:№|\bn\s*\.?\s*[º°]|\bnr\b\.?|\bno\b\.?|\bnum\b\.?|\bc\.|\bn\.)\s*(\d)`)

// normText compares titles and subtitles: case, accents, punctuation and spacing aside,
// and every spelling of "No." the same.
func normText(s string) string {
	return words(numero.ReplaceAllString(fold(s), " no $1"), "")
}

// normName compares composers' names: case, accents, punctuation, hyphens aside.
func normName(s string) string { return words(fold(s), "") }

// normCatalogue compares catalogue numbers: "Op. 25, N.º 3" and "op.25 no.3" are
// "op25no3"; KV is K; Hob.'s volume may be divided by ":" or "/".
func normCatalogue(s string) string {
	s = numero.ReplaceAllString(fold(s), " no $1")
	s = regexp.MustCompile(`\bopus\b`).ReplaceAllString(s, "op")
	s = regexp.MustCompile(`\bk\.?\s*v\.?\s*(\d)`).ReplaceAllString(s, "k $1")
	s = regexp.MustCompile(`([ivxl]+)\s*[/:]\s*(\d)`).ReplaceAllString(s, "$1:$2")
	return strings.ReplaceAll(words(s, ":"), " ", "")
}

var keyPattern = regexp.MustCompile(`^([a-g])\s*(?:-?\s*(flat|sharp)|(♭|♯|b|#))?\s*-?\s*(major|minor|maj|min)$`)

// normKey compares keys written in English in any of the usual ways ("E-flat major",
// "E♭ major", "Eb major", "e flat minor"); anything else compares as text.
func normKey(s string) string {
	f := strings.TrimSpace(fold(s))
	m := keyPattern.FindStringSubmatch(f)
	if m == nil {
		return words(f, "")
	}
	acc := ""
	switch m[2] + m[3] {
	case "flat", "♭", "b":
		acc = "-flat"
	case "sharp", "♯", "#":
		acc = "-sharp"
	}
	mode := "major"
	if strings.HasPrefix(m[4], "min") {
		mode = "minor"
	}
	return m[1] + acc + " " + mode
}

// normInstrumentation compares instrumentations as the set of what plays, in the English
// vocabulary: "violin and piano" is "piano and violin", "string quartet" is two violins,
// viola and cello, Violoncello is cello, a mixed choir is a choir.
func normInstrumentation(s string) string {
	s = strings.NewReplacer(",", " and ", "&", " and ", "+", " and ", ";", " and ", "/", " and ").Replace(fold(s))
	s = " " + words(s, "") + " "
	for _, r := range [][2]string{
		{" 4 hands ", " four hands "}, {" two violins ", " violin and violin "}, {" piano duet ", " piano four hands "}, {" piano and four hands ", " piano four hands "},
		{" piano for four hands ", " piano four hands "},
		{" string quartet ", " violin and violin and viola and cello "}, {" piano trio ", " piano and violin and cello "},
		{" satb choir ", " choir "}, {" mixed choir ", " choir "}, {" mixed chorus ", " choir "}, {" satb ", " choir "},
		{" chorus ", " choir "}, {" full orchestra ", " orchestra "}, {" solo ", " "}, {" alone ", " "}, {" with ", " and "},
	} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	var parts []string
	for _, p := range strings.Split(s, " and ") {
		p = strings.Join(strings.Fields(p), " ")
		switch p {
		case "":
			continue
		case "pianoforte":
			p = "piano"
		case "violoncello":
			p = "cello"
		case "vocal", "singer", "song", "soprano":
			p = "voice"
		}
		parts = append(parts, p)
	}
	slices.Sort(parts)
	return strings.Join(parts, " and ")
}
