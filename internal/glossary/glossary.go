// Package glossary is the curated core of the dictionary: music terms with English
// definitions written for this project (data/*.json, embedded in the binary). The dictionary's
// local provider serves from it, and it seeds the dictionary.
package glossary

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mirubato/mirubato/internal/textfold"
)

//go:embed data/*.json
var data embed.FS

// Types are the kinds of term.
func Types() []string {
	return []string{"tempo", "dynamics", "articulation", "form", "genre", "instrument", "technique", "theory",
		"notation", "period", "general"}
}

// MaxConcise is the longest concise definition, in characters.
const MaxConcise = 200

// Entry is one term with its English definition.
type Entry struct {
	Term       string   `json:"term"`
	SourceLang string   `json:"source_lang"` // ISO 639-1 code of the term's origin
	Type       string   `json:"type"`
	Concise    string   `json:"concise"`
	Detailed   string   `json:"detailed"`
	Etymology  string   `json:"etymology"`
	IPA        string   `json:"ipa"`
	Syllables  string   `json:"syllables"`
	Example    string   `json:"example"`
	Related    []string `json:"related"`
}

// Glossary is the loaded glossary, looked up by normalised term.
type Glossary struct {
	entries []Entry
	byKey   map[string]int
}

// Load reads and checks the embedded glossary.
func Load() (*Glossary, error) {
	files, err := fs.Glob(data, "data/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	g := &Glossary{byKey: map[string]int{}}
	var problems []error
	for _, f := range files {
		raw, err := data.ReadFile(f)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		var entries []Entry
		if err := dec.Decode(&entries); err != nil {
			return nil, fmt.Errorf("glossary %s: %w", path.Base(f), err)
		}
		for _, e := range entries {
			if err := check(e); err != nil {
				problems = append(problems, fmt.Errorf("%s: %q: %w", path.Base(f), e.Term, err))
				continue
			}
			key := Key(e.Term)
			if _, dup := g.byKey[key]; dup {
				problems = append(problems, fmt.Errorf("%s: %q is in the glossary twice", path.Base(f), e.Term))
				continue
			}
			g.byKey[key] = len(g.entries)
			g.entries = append(g.entries, e)
		}
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return g, nil
}

func check(e Entry) error {
	switch {
	case strings.TrimSpace(e.Term) == "":
		return errors.New("no term")
	case !contains(Types(), e.Type):
		return fmt.Errorf("type %q is not one of %s", e.Type, strings.Join(Types(), ", "))
	case len(e.SourceLang) != 2 || strings.ToLower(e.SourceLang) != e.SourceLang:
		return fmt.Errorf("source_lang %q is not an ISO 639-1 code", e.SourceLang)
	case e.Concise == "" || utf8.RuneCountInString(e.Concise) > MaxConcise:
		return fmt.Errorf("concise must be 1 to %d characters", MaxConcise)
	case e.Detailed == "" || e.Etymology == "" || e.Syllables == "" || e.Example == "" || e.IPA == "":
		return errors.New("detailed, etymology, ipa, syllables and example are all required")
	case len(e.Related) == 0:
		return errors.New("no related terms")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Key normalises a term for lookup: lower case, no diacritics, single spaces
// ("Étude" and "etude" are one term).
func Key(term string) string {
	return strings.Join(strings.Fields(strings.ToLower(textfold.Plain(term))), " ")
}

// Entries returns every entry, in file order.
func (g *Glossary) Entries() []Entry { return append([]Entry(nil), g.entries...) }

// Lookup finds a term (accents and case do not matter).
func (g *Glossary) Lookup(term string) (Entry, bool) {
	i, ok := g.byKey[Key(term)]
	if !ok {
		return Entry{}, false
	}
	return g.entries[i], true
}
