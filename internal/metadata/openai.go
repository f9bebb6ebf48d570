package metadata

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mirubato/mirubato/internal/ai"
)

// ErrInvalidAnswer is wrapped by errors about answers that are not the metadata JSON asked for.
var ErrInvalidAnswer = ai.ErrInvalidAnswer

// OpenAI extracts metadata with a chat model of any OpenAI-compatible service, asking for
// JSON that follows a schema (structured output). It starts from what Local finds, which the
// model sees too, and keeps, per field, the more confident of the two. When the first
// page's text is thin (Input.ThinText) and the input carries page 1's image, the image goes
// with the text, as an image content part, to VisionModel.
type OpenAI struct {
	// VisionModel is the model asked when the image is sent; "" means the text model. It
	// must accept images (gpt-4o-mini does; on other services, e.g. a llava or qwen-vl model).
	VisionModel string

	client *openai.Client
	model  string
	local  *Local
}

// NewOpenAI returns the provider, asking model at the service of cfg.
func NewOpenAI(cfg ai.Config, model string) *OpenAI {
	return &OpenAI{client: ai.NewClient(cfg), model: model, local: NewLocal()}
}

// answerField is one field of the JSON the model must produce: a value (null when unknown)
// and a confidence.
type answerField struct {
	Value      any     `json:"value"`
	Confidence float64 `json:"confidence"`
}

func fieldSchema(field string) map[string]any {
	var value map[string]any
	switch field {
	case "difficulty":
		value = map[string]any{"type": []string{"integer", "null"}, "description": "1 (beginner) to 10 (virtuoso)"}
	case "year":
		value = map[string]any{"type": []string{"integer", "null"}, "description": "year of composition"}
	case "tags":
		value = map[string]any{"type": []string{"array", "null"}, "items": map[string]any{"type": "string"}}
	default:
		value = map[string]any{"type": []string{"string", "null"}}
	}
	return map[string]any{"type": "object", "additionalProperties": false, "required": []string{"value", "confidence"},
		"properties": map[string]any{"value": value, "confidence": map[string]any{"type": "number"}}}
}

func schema() ai.RawSchema {
	props := map[string]any{}
	fields := Fields()
	for _, f := range fields {
		props[f] = fieldSchema(f)
	}
	return ai.RawSchema{"type": "object", "additionalProperties": false, "required": fields, "properties": props}
}

// Fields are the metadata fields, in display order.
func Fields() []string {
	return []string{"title", "subtitle", "composer", "arranger", "opus", "key", "key_signature", "time_signature",
		"tempo", "instrumentation", "difficulty", "period", "year", "language", "tags"}
}

const systemPrompt = `You catalogue sheet music. From what is known of one score (its file name, the PDF's
information dictionary, the text of its first page, and what a rule-based extractor found), give each
field's value and your confidence from 0 to 1. Use null when you do not know; do not guess wildly.
Composer: the full usual name ("Frédéric Chopin"). Opus: the catalogue number as printed ("Op. 9 No. 2",
"BWV 846", "K. 331"). Key: like "E-flat major". Period: Baroque, Classical, Romantic, Late Romantic,
Impressionist, Modern or Contemporary. Language: an ISO 639-1 code. Difficulty: 1 (beginner) to 10.
Instrumentation: in English ("piano", "voice and piano", "piano four hands", "string quartet"), whatever
the language printed. When an image of the first page is attached, read the page as a musician would: the
title block, the composer's and arranger's lines, the opus, the instrument names before the first system,
the clefs and the key signature after them; a tempo marking, a dedication or a publisher's line is not a
title.`

// imageNote tells the model why the image comes and what to read on it.
const imageNote = `The first page's text above is missing or unreliable (a scan or a photograph without a usable
text layer). The image of the first page is attached: take each field from what is printed on it, and use
null for what it does not show.`

// Extract implements Provider.
func (o *OpenAI) Extract(ctx context.Context, in Input) (Result, error) {
	base, err := o.local.Extract(ctx, in)
	if err != nil {
		return nil, err
	}
	text := in.FirstPageText
	if len(text) > 4000 {
		text = text[:4000]
	}
	found, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	info, err := json.Marshal(in.Info)
	if err != nil {
		return nil, err
	}
	source := "the PDF's text layer"
	if in.FirstPageSource == SourceOCR {
		source = fmt.Sprintf("OCR, mean confidence %.2f", in.FirstPageConfidence)
	}
	user := fmt.Sprintf("File name: %s\nPages: %d\nInformation dictionary: %s\nRule-based findings: %s\nFirst page text (%s):\n%s",
		in.Filename, in.Pages, info, found, source, text)

	var content string
	if url := o.image(in); url != "" {
		model := o.VisionModel
		if model == "" {
			model = o.model
		}
		content, err = ai.ChatJSONImage(ctx, o.client, model, "score_metadata", schema(), systemPrompt, user+"\n\n"+imageNote, url)
	} else {
		content, err = ai.ChatJSON(ctx, o.client, o.model, "score_metadata", schema(), systemPrompt, user)
	}
	if err != nil {
		return nil, err
	}
	// The answer must be a JSON object; a field that does not follow the schema is skipped,
	// not the whole answer.
	var a map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidAnswer, err)
	}
	for _, field := range Fields() {
		var v answerField
		if raw, ok := a[field]; !ok || json.Unmarshal(raw, &v) != nil || v.Value == nil || v.Confidence <= 0 {
			continue
		}
		value, ok := typed(field, v.Value)
		if !ok {
			continue
		}
		base.set(field, value, min(v.Confidence, 1), SourceAI)
	}
	return base, nil
}

// WantsImage reports whether Extract would send page 1's image for in (its text is thin),
// so that a caller renders the image only when it is used.
func (o *OpenAI) WantsImage(in Input) bool { return in.ThinText() }

// image is page 1's image as a data URL when the model should look at it: the text is
// thin and the image is there and can be sent (see imageURL); else "".
func (o *OpenAI) image(in Input) string {
	if len(in.FirstPageImage) == 0 || !o.WantsImage(in) {
		return ""
	}
	return imageURL(in.FirstPageImage)
}

// typed checks a value's type for its field and returns it in the form stored.
func typed(field string, v any) (any, bool) {
	switch field {
	case "difficulty", "year":
		n, ok := v.(float64)
		if !ok || n != float64(int(n)) {
			return nil, false
		}
		if field == "difficulty" && (n < 1 || n > 10) {
			return nil, false
		}
		return int(n), true
	case "tags":
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]string, 0, len(list))
		for _, t := range list {
			if s, ok := t.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
		return out, len(out) > 0
	default:
		s, ok := v.(string)
		return s, ok && len(s) <= 300
	}
}
