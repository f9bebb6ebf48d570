// Package textfold makes text comparable across spellings: without diacritics
// ("Dvořák" → "Dvorak"), for matching, keys and slugs.
package textfold

import (
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Plain returns s without its diacritics (combining marks); case is kept.
func Plain(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return out
}
