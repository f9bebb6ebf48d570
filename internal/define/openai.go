package define

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
)

// LanguageNames are the dictionary's languages as the model is told them.
var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "fr": "French", "de": "German",
	"zh-CN": "Simplified Chinese (as written in mainland China)", "zh-TW": "Traditional Chinese (as written in Taiwan)",
}

// OpenAI defines terms with a chat model of any OpenAI-compatible service, asking for JSON
// that follows a schema (structured output).
type OpenAI struct {
	client *openai.Client
	model  string
}

// NewOpenAI returns the provider: model at the service of cfg.
func NewOpenAI(cfg ai.Config, model string) *OpenAI {
	return &OpenAI{client: ai.NewClient(cfg), model: model}
}

// answer is the JSON the model writes.
type answer struct {
	Term        string   `json:"term"`
	SourceLang  string   `json:"source_lang"`
	Type        string   `json:"type"`
	Translation string   `json:"translation"`
	Concise     string   `json:"concise"`
	Detailed    string   `json:"detailed"`
	Etymology   string   `json:"etymology"`
	IPA         string   `json:"ipa"`
	Syllables   string   `json:"syllables"`
	Example     string   `json:"example"`
	Related     []string `json:"related"`
	References  []string `json:"references"`
}

func schema() ai.RawSchema {
	str := func(description string) map[string]any {
		return map[string]any{"type": "string", "description": description}
	}
	list := func(description string) map[string]any {
		return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": description}
	}
	props := map[string]any{
		"term":        str("the term as usually written, with its accents"),
		"source_lang": str("ISO 639-1 code of the language the term comes from, such as it, la, de, fr; empty if unknown"),
		"type":        map[string]any{"type": "string", "enum": glossary.Types()},
		"translation": str("the term's usual name in the target language, if it differs from the term; else empty"),
		"concise":     str("one sentence, at most 200 characters, in the target language"),
		"detailed":    str("two to five sentences in the target language: meaning, use, context"),
		"etymology":   str("where the word comes from, in the target language"),
		"ipa":         str("pronunciation of the term in IPA, between slashes"),
		"syllables":   str("the term in syllables, the stressed one in capitals: al-LE-gro"),
		"example":     str("a sentence in the target language using the term as a musician would"),
		"related":     list("two to six related terms"),
		"references":  list("reference works where the term is defined, such as Grove Music Online"),
	}
	required := make([]string, 0, len(props))
	for k := range props {
		required = append(required, k)
	}
	slices.Sort(required)
	return ai.RawSchema{"type": "object", "additionalProperties": false, "required": required, "properties": props}
}

const systemPrompt = `You write entries of a dictionary of music terms for musicians. Write every field
except term, source_lang, ipa and syllables in the target language named by the user, in a
neutral, exact style. Do not invent: leave a field empty when you do not know it. The concise
definition is one sentence of at most 200 characters that does not merely repeat the term.`

// Define implements Completer.
func (o *OpenAI) Define(ctx context.Context, r Request) (Answer, error) {
	name, ok := languageNames[r.Lang]
	if !ok {
		return Answer{}, fmt.Errorf("%w: unknown language %q", ErrCannotDefine, r.Lang)
	}
	var user strings.Builder
	fmt.Fprintf(&user, "Term: %s\nTarget language: %s\n", r.Term, name)
	if len(r.Issues) > 0 {
		user.WriteString("A previous answer had these problems; avoid them:\n")
		for _, issue := range r.Issues {
			fmt.Fprintf(&user, "- %s\n", issue)
		}
	}
	content, err := ai.ChatJSON(ctx, o.client, o.model, "dictionary_entry", schema(), systemPrompt, user.String())
	if err != nil {
		return Answer{}, err
	}
	var a answer
	if strings.Contains(content, `\u0000`) {
		return Answer{}, fmt.Errorf("%w: a NUL character", ai.ErrInvalidAnswer)
	}
	if err := json.Unmarshal([]byte(content), &a); err != nil {
		return Answer{}, fmt.Errorf("%w: %w", ai.ErrInvalidAnswer, err)
	}
	switch {
	case strings.TrimSpace(a.Concise) == "":
		return Answer{}, fmt.Errorf("%w: no concise definition", ai.ErrInvalidAnswer)
	case !slices.Contains(glossary.Types(), a.Type):
		return Answer{}, fmt.Errorf("%w: type %q is not one of %s", ai.ErrInvalidAnswer, a.Type, strings.Join(glossary.Types(), ", "))
	}
	term := strings.TrimSpace(a.Term)
	if term == "" || glossary.Key(term) != glossary.Key(r.Term) {
		term = r.Term // the model may not rename the term asked for
	}
	return Answer{Term: term, SourceLang: strings.ToLower(strings.TrimSpace(a.SourceLang)), Type: a.Type, Definition: store.Definition{
		Concise: strings.TrimSpace(a.Concise), Detailed: strings.TrimSpace(a.Detailed), Etymology: strings.TrimSpace(a.Etymology),
		Pronunciation: store.Pronunciation{IPA: slashed(a.IPA), Syllables: strings.TrimSpace(a.Syllables)},
		Example:       strings.TrimSpace(a.Example), Related: clean(a.Related), References: clean(a.References),
		Translation: strings.TrimSpace(a.Translation),
	}}, nil
}

// clean trims a list's items and drops empty ones and repeats.
func clean(list []string) []string {
	out := []string{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) && len(s) <= 200 {
			out = append(out, s)
		}
	}
	return out
}
