package metadata

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mirubato/mirubato/internal/textfold"
)

// catalogueSpellings are how the catalogue words are written ("op" → "Op"), for titles
// printed in capitals.
var catalogueSpellings = map[string]string{"op": "Op", "opus": "Opus", "bwv": "BWV", "kv": "KV", "hob": "Hob", "hwv": "HWV",
	"rv": "RV", "woo": "WoO", "no": "No", "nr": "Nr", "twv": "TWV"}

// catalogue is one kind of catalogue number: its pattern (on text without diacritics, case
// kept where it tells a catalogue from a word: "K. 331" but not "k 3"), how it is written,
// and whether a number within it ("Op. 10 No. 12") may follow.
type catalogue struct {
	re     *regexp.Regexp
	format func(m []string) string
	within bool
}

// num is a catalogue's number: digits and a letter ("37a"), not a letter that starts a word
// ("9No.").
const num = `\d{1,4}(?:[a-zA-Z]\b)?`

var catalogues = []catalogue{
	{regexp.MustCompile(`(?i)(?:^|[^\pL\d])(?:opus|opp|op|0p)\s*[.,:]?\s*(?:(posth(?:um)?)\.?\s*(` + num + `)?|(` + num + `))(?:\s*,?\s*\(?(posth)(?:um)?\.?\)?)?`),
		func(m []string) string {
			switch {
			case m[1] != "" && m[2] != "":
				return "Op. posth. " + m[2]
			case m[1] != "":
				return "Op. posth."
			case m[4] != "":
				return "Op. " + m[3] + " posth."
			}
			return "Op. " + m[3]
		}, true},
	{regexp.MustCompile(`(?i)\bBWV\s*[.:]?\s*((?:Anh\.?\s*)?` + num + `)`), func(m []string) string {
		return "BWV " + strings.Join(strings.Fields(strings.Replace(m[1], "Anh", "Anh. ", 1)), " ")
	}, false},
	{regexp.MustCompile(`(?:^|[^\pL])(KV|K|Kk)\s*\.?\s*(\d{1,3}[a-z]?\d?)\b(?:\s*\(\s*\d{1,3}[a-z]?\d?\s*\))?`), func(m []string) string {
		if m[1] == "Kk" {
			return "Kk. " + m[2]
		}
		return "K. " + m[2]
	}, false},
	{regexp.MustCompile(`(?:^|[^\pL])D\s*(\.)?\s*(` + num + `)\b`), func(m []string) string { return "D. " + m[2] }, true},
	{regexp.MustCompile(`(?i)\bHob\s*\.?\s*([IVXL]{1,5}[a-z]?)\s*[:/.,]?\s*(\d{1,3}[a-z]?)\b`), func(m []string) string {
		return "Hob. " + strings.ToUpper(m[1]) + ":" + m[2]
	}, false},
	{regexp.MustCompile(`(?i)\bHWV\s*[.:]?\s*(` + num + `)`), func(m []string) string { return "HWV " + m[1] }, false},
	{regexp.MustCompile(`\b(?:RV|Rv)\s*\.?\s*(` + num + `)`), func(m []string) string { return "RV " + m[1] }, false},
	{regexp.MustCompile(`(?i)\bTWV\s*(\d{1,2})\s*:\s*([a-z]?\d{1,3})`), func(m []string) string { return "TWV " + m[1] + ":" + m[2] }, false},
	// OCR reads "WoO" as "Wo0" too.
	{regexp.MustCompile(`(?i)\bW[o0][o0]\s*\.?\s*(` + num + `)`), func(m []string) string { return "WoO " + m[1] }, true},
	{regexp.MustCompile(`(?:^|[^\pL])S\s*(\.)?\s*(` + num + `)\b`), func(m []string) string { return "S. " + m[2] }, true},
	{regexp.MustCompile(`(?:^|[^\pL])L\s*\.\s*(\d{1,3})\b`), func(m []string) string { return "L. " + m[1] }, true},
	{regexp.MustCompile(`\bSz\s*\.?\s*(\d{1,3})\b`), func(m []string) string { return "Sz. " + m[1] }, false},
	{regexp.MustCompile(`\bBB\s*(\d{1,3})\b`), func(m []string) string { return "BB " + m[1] }, false},
	{regexp.MustCompile(`\bWq\s*\.?\s*(\d{1,3})\b`), func(m []string) string { return "Wq. " + m[1] }, false},
}

// withinRe is a number within an opus after it: "No. 3", "Nr. 3", "N.º 3", "№ 3", "č. 3",
// "Nummer 3", "/3"; withinOCR adds what OCR reads for "№" ("Ne", "Nc")
var (
	withinRe = regexp.MustCompile(`^\s*[,;]?\s*(?:(?i:nos?|nr|nro|num|numero|nummer|number|n)\s*[.º°o]?\s*[.º°]?|№\s*|(?i:c)\s*\.)\s*(\d{1,3}[a-z]?)\b|^\s*/\s*(\d{1,3})\b`)
	// and for "N." ("M.") and "č." ("ë.", "è.", e after diacritics go).
	withinOCR = regexp.MustCompile(`^\s*[,;]?\s*(?:(?i:ne|nc|n2|n9|n\?)\s*[.º°]?|(?i:m|e)\s*\.)\s*(\d{1,3})\b`)
)

// catMatch is a catalogue number found in a text.
type catMatch struct {
	value      string
	start, end int
	within     bool // it has a number within it
	canWithin  bool // it may have one
}

// findCatalogues returns the catalogue numbers in text, in order.
func findCatalogues(text string, ocr bool) []catMatch {
	plain := textfold.Plain(text)
	var out []catMatch
	for _, c := range catalogues {
		for _, idx := range c.re.FindAllStringSubmatchIndex(plain, -1) {
			m := make([]string, len(idx)/2)
			for i := range m {
				if idx[2*i] >= 0 {
					m[i] = plain[idx[2*i]:idx[2*i+1]]
				}
			}
			start, end := idx[0], idx[1]
			for start < end {
				r, size := utf8.DecodeRuneInString(plain[start:])
				if unicode.IsLetter(r) {
					break
				}
				start += size
			}
			if strings.HasPrefix(strings.ToLower(plain[start:end]), "0p") && !ocr {
				continue
			}
			if !plausibleCatalogue(plain, start, end, m) {
				continue
			}
			cm := catMatch{value: c.format(m), start: start, end: end, canWithin: c.within}
			if c.within {
				rest := plain[end:]
				w := withinRe.FindStringSubmatch(rest)
				if w == nil && ocr {
					w = withinOCR.FindStringSubmatch(rest)
				}
				if w != nil {
					n := w[1]
					if n == "" && len(w) > 2 {
						n = w[2]
					}
					cm.value += " No. " + n
					cm.within = true
					cm.end += len(w[0])
				}
			}
			out = append(out, cm)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	// An opus's "No. 3" is no other catalogue's: drop matches inside another.
	kept := out[:0]
	for _, m := range out {
		if len(kept) > 0 && m.start < kept[len(kept)-1].end {
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// plausibleCatalogue rejects the single-letter catalogues (D., S., K.) where the letter is
// something else: a key ("in D 3/4"), a page ("S. 3"), an initial.
func plausibleCatalogue(plain string, start, end int, m []string) bool {
	letter := plain[start : start+1]
	if letter != "D" && letter != "S" && letter != "K" && letter != "L" {
		return true
	}
	if strings.HasPrefix(plain[start:end], "KV") || strings.HasPrefix(plain[start:end], "Kk") {
		return true
	}
	digits := strings.TrimFunc(m[len(m)-1], func(r rune) bool { return !unicode.IsDigit(r) })
	dotted := strings.Contains(plain[start:end], ".")
	if !dotted && len(digits) < 2 {
		return false
	}
	if rest := plain[end:]; strings.HasPrefix(strings.TrimLeft(rest, " "), "/") {
		return false // a time signature or a fraction
	}
	before := strings.Fields(fold(plain[:start]))
	if len(before) > 0 {
		switch strings.Trim(before[len(before)-1], ".,:;(") {
		case "in", "en", "em", "seite", "page", "p", "pag", "siehe", "see", "voir", "vgl":
			return false
		}
	}
	return true
}

// catalogueOnly: the line is catalogue numbers and nothing else that is a word.
func catalogueOnly(l textLine, ocr bool) bool {
	ms := findCatalogues(l.text, ocr)
	if len(ms) == 0 {
		return false
	}
	rest := textfold.Plain(l.text)
	for i := len(ms) - 1; i >= 0; i-- {
		rest = rest[:ms[i].start] + " " + rest[ms[i].end:]
	}
	for _, w := range words(rest) {
		if utf8.RuneCountInString(w.f) >= 2 && !composerCues[w.f] {
			return false
		}
	}
	return true
}
