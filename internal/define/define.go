// Package define writes dictionary definitions: the Completer interface with its providers
// (Local, from the curated glossary; OpenAI, any OpenAI-compatible chat model with structured
// output), and the quality rubric that scores what they write (Assess).
package define

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
)

// Request asks for a term's definition in a language. Issues, when set, are what the rubric
// found wrong with the previous answer, for the provider to fix.
type Request struct {
	Term   string
	Lang   string
	Issues []string
}

// Answer is a provider's definition of a term.
type Answer struct {
	Term       string // the term as usually written
	SourceLang string // ISO 639-1 code of the term's origin ("it"), or ""
	Type       string // one of glossary.Types()
	Definition store.Definition
}

// Completer writes definitions. Errors: *ai.RetryLater (call again later), errors wrapping
// ai.ErrInvalidAnswer (the answer was malformed), ErrCannotDefine (this provider will never
// define this term in this language), others (the service failed: retry with backoff).
type Completer interface {
	Define(ctx context.Context, r Request) (Answer, error)
}

// ErrCannotDefine is wrapped by errors about terms a provider does not define.
var ErrCannotDefine = errors.New("the provider cannot define this term")

// Local defines the glossary's terms in English, from the glossary: no network.
type Local struct{ glossary *glossary.Glossary }

// NewLocal returns the provider.
func NewLocal(g *glossary.Glossary) *Local { return &Local{glossary: g} }

// Define implements Completer.
func (l *Local) Define(_ context.Context, r Request) (Answer, error) {
	e, ok := l.glossary.Lookup(r.Term)
	if !ok || r.Lang != "en" {
		return Answer{}, fmt.Errorf("%w: the local provider knows the glossary's English terms only (%q in %s is not one); "+
			"DICTIONARY_PROVIDER=openai writes the others", ErrCannotDefine, r.Term, r.Lang)
	}
	return FromGlossary(e), nil
}

// FromGlossary is a glossary entry as an answer.
func FromGlossary(e glossary.Entry) Answer {
	related := e.Related
	if related == nil {
		related = []string{}
	}
	return Answer{Term: e.Term, SourceLang: e.SourceLang, Type: e.Type, Definition: store.Definition{
		Concise: e.Concise, Detailed: e.Detailed, Etymology: e.Etymology,
		Pronunciation: store.Pronunciation{IPA: slashed(e.IPA), Syllables: e.Syllables},
		Example:       e.Example, Related: related, References: []string{},
	}}
}

// slashed writes IPA between slashes, as the dictionary shows it ("" stays "").
func slashed(ipa string) string {
	ipa = strings.TrimSpace(ipa)
	if ipa == "" || strings.HasPrefix(ipa, "/") || strings.HasPrefix(ipa, "[") {
		return ipa
	}
	return "/" + ipa + "/"
}
