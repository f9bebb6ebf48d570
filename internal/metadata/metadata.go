// Package metadata extracts a score's metadata (title, composer, opus, key, …) from what the
// pipeline knows of it: the PDF's information dictionary, its first page's text, its file
// name. Providers are behind one interface: Local needs no network; an OpenAI-compatible
// provider is to join it.
package metadata

import (
	"context"
	"strconv"
	"strings"

	"github.com/mirubato/mirubato/internal/textfold"
)

// Sources of a value.
const (
	SourceInfoDict = "info_dict"
	SourcePageText = "page_text"
	SourceFilename = "filename"
	SourceAI       = "ai"
	// SourceOCR: the first page's text, read by OCR from its image (a scan).
	SourceOCR = "ocr"
	// SourceMusic: read from the engraved music itself (staves, clefs, key signature).
	SourceMusic = "music"
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
	// FirstPageSource tells where FirstPageText came from: SourcePageText (the PDF's text
	// layer) or SourceOCR; "" means SourcePageText.
	FirstPageSource string
	// FirstPageConfidence is the OCR's mean word confidence, 0 to 1 (0 when not OCR).
	FirstPageConfidence float64
	// Music is what was read from the first system's engraved music; nil when the first
	// pages have none that could be read (a scan, a title page only, no vector staves).
	Music *Music
	// FirstPageImage is page 1 as a PNG, its longer side at most MaxImageSide pixels, for
	// providers that can look at it; nil when it is not needed (enough text) or missing.
	FirstPageImage []byte
	Pages          int
}

// MaxImageSide bounds the longer side, in pixels, of Input.FirstPageImage.
const MaxImageSide = 1600

// Music is what the engraved music of a score's first system says.
type Music struct {
	// Staves per system, and how they are grouped: Braced counts the staves joined by a
	// brace (a keyboard's pair), Bracketed those joined by a bracket (an ensemble).
	Staves, Braced, Bracketed int
	// Clefs of the first system's staves, top to bottom: "treble", "bass", "alto", "tenor",
	// "percussion", or "" when a staff's clef was not read.
	Clefs []string
	// Names are the instrument names printed before the first system, top to bottom.
	Names []string
	// Lyrics: the top staff carries words under its notes (a voice).
	Lyrics bool
	// Instrumentation is the normalised call from the staves ("piano", "voice and piano",
	// "string quartet"…), "" when no confident call; with its confidence, 0 to 1.
	Instrumentation           string
	InstrumentationConfidence float64
	// Fifths is the key signature: sharps positive, flats negative, 0 none; meaningful only
	// when KeySignatureRead.
	Fifths           int
	KeySignatureRead bool
	// Key is the key with its mode ("E-flat major") when the music allows a confident call,
	// else ""; with its confidence.
	Key           string
	KeyConfidence float64
}

// KeySignature names Fifths as key_signature shows it: "3 flats", "1 sharp", "no sharps or
// flats".
func (m *Music) KeySignature() string {
	switch {
	case m == nil || !m.KeySignatureRead:
		return ""
	case m.Fifths == 0:
		return "no sharps or flats"
	case m.Fifths == 1:
		return "1 sharp"
	case m.Fifths == -1:
		return "1 flat"
	case m.Fifths > 0:
		return strconv.Itoa(m.Fifths) + " sharps"
	default:
		return strconv.Itoa(-m.Fifths) + " flats"
	}
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
