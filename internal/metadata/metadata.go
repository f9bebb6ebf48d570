// Package metadata extracts a score's metadata (title, composer, opus, key, …) from what the
// pipeline knows of it: the PDF's information dictionary, its first page's text, its file
// name. Providers are behind one interface: Local needs no network; an OpenAI-compatible
// provider is to join it.
package metadata

import (
	"context"
	"strings"

	"github.com/mirubato/mirubato/internal/textfold"
)

// Sources of a value.
const (
	SourceInfoDict = "info_dict"
	SourcePageText = "page_text"
	SourceFilename = "filename"
	SourceAI       = "ai"
)

// Value is one extracted field: its value (a string, except difficulty and year, which are
// numbers, and tags, a list of strings), the extractor's confidence from 0 to 1, and its
// source.
type Value struct {
	Value      any     `json:"value"`
	Confidence float64 `json:"confidence"`
	Source     string  `json:"source"`
}

// Input is what a provider reads.
type Input struct {
	Filename      string
	Info          map[string]string // the PDF's information dictionary
	FirstPageText string
	Pages         int
}

// Result maps field names (store.MetadataFields) to values; fields not found are absent.
type Result map[string]Value

// Provider extracts metadata.
type Provider interface {
	Extract(ctx context.Context, in Input) (Result, error)
}

// set keeps the more confident of two values for a field.
func (r Result) set(field string, v any, confidence float64, source string) {
	if s, ok := v.(string); ok {
		v = strings.TrimSpace(s)
		if v == "" {
			return
		}
	}
	if old, ok := r[field]; ok && old.Confidence >= confidence {
		return
	}
	r[field] = Value{Value: v, Confidence: confidence, Source: source}
}

// fold lowercases s and removes its diacritics ("Dvořák" → "dvorak"), for matching.
func fold(s string) string {
	return strings.ToLower(strings.NewReplacer("ø", "o", "ł", "l", "ß", "ss", "æ", "ae", "œ", "oe").Replace(textfold.Plain(s)))
}
