package metadata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// RetryLater is returned when the AI service asks to be called again later (HTTP 429).
type RetryLater struct {
	After time.Duration
	Err   error
}

func (e *RetryLater) Error() string { return fmt.Sprintf("retry after %s: %v", e.After, e.Err) }
func (e *RetryLater) Unwrap() error { return e.Err }

// ErrInvalidAnswer is returned when the AI service answered, but not with the JSON asked for.
var ErrInvalidAnswer = errors.New("the AI answer is not the metadata JSON that was asked for")

// OpenAI extracts metadata with a chat model of any OpenAI-compatible service, asking for
// JSON that follows a schema (structured output). It starts from what Local finds, which the
// model sees too, and keeps, per field, the more confident of the two.
type OpenAI struct {
	client *openai.Client
	model  string
	local  *Local
}

// OpenAIConfig configures the provider.
type OpenAIConfig struct {
	BaseURL string // e.g. https://api.openai.com/v1, or any compatible service
	APIKey  string
	Model   string
	Timeout time.Duration // per request; 0 means 60 s
}

// NewOpenAI returns the provider.
func NewOpenAI(cfg OpenAIConfig) *OpenAI {
	c := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		c.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	c.HTTPClient = retryAfterDoer{client: &http.Client{Timeout: timeout}}
	return &OpenAI{client: openai.NewClientWithConfig(c), model: cfg.Model, local: NewLocal()}
}

// retryAfterDoer keeps the Retry-After of a 429 answer where Extract can read it: go-openai
// turns the answer into an error without its headers.
type retryAfterDoer struct{ client *http.Client }

type retryAfterKey struct{}

func (d retryAfterDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		if p, ok := req.Context().Value(retryAfterKey{}).(*time.Duration); ok {
			*p = parseRetryAfter(resp.Header.Get("Retry-After"))
		}
	}
	return resp, err
}

// parseRetryAfter reads seconds or an HTTP date; anything else is 30 s.
func parseRetryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
		return 0
	}
	return 30 * time.Second
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

type rawSchema map[string]any

func (s rawSchema) MarshalJSON() ([]byte, error) { return json.Marshal(map[string]any(s)) }

func schema() rawSchema {
	props := map[string]any{}
	fields := Fields()
	for _, f := range fields {
		props[f] = fieldSchema(f)
	}
	return rawSchema{"type": "object", "additionalProperties": false, "required": fields, "properties": props}
}

// Fields are the metadata fields, in display order.
func Fields() []string {
	return []string{"title", "subtitle", "composer", "arranger", "opus", "key", "time_signature",
		"tempo", "instrumentation", "difficulty", "period", "year", "language", "tags"}
}

const systemPrompt = `You catalogue sheet music. From what is known of one score (its file name, the PDF's
information dictionary, the text of its first page, and what a rule-based extractor found), give each
field's value and your confidence from 0 to 1. Use null when you do not know; do not guess wildly.
Composer: the full usual name ("Frédéric Chopin"). Opus: the catalogue number as printed ("Op. 9 No. 2",
"BWV 846", "K. 331"). Key: like "E-flat major". Period: Baroque, Classical, Romantic, Late Romantic,
Impressionist, Modern or Contemporary. Language: an ISO 639-1 code. Difficulty: 1 (beginner) to 10.`

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
	user := fmt.Sprintf("File name: %s\nPages: %d\nInformation dictionary: %s\nRule-based findings: %s\nFirst page text:\n%s",
		in.Filename, in.Pages, info, found, text)

	var retryAfter time.Duration
	resp, err := o.client.CreateChatCompletion(context.WithValue(ctx, retryAfterKey{}, &retryAfter), openai.ChatCompletionRequest{
		Model: o.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: "score_metadata", Schema: schema(), Strict: true},
		},
		Temperature: 0,
	})
	if err != nil {
		var apiErr *openai.APIError
		var reqErr *openai.RequestError
		if (errors.As(err, &apiErr) && apiErr.HTTPStatusCode == http.StatusTooManyRequests) ||
			(errors.As(err, &reqErr) && reqErr.HTTPStatusCode == http.StatusTooManyRequests) {
			return nil, &RetryLater{After: retryAfter, Err: err}
		}
		return nil, fmt.Errorf("error asking the AI service: %w", err)
	}
	if len(resp.Choices) == 0 {
		return nil, fmt.Errorf("%w: no choices", ErrInvalidAnswer)
	}
	// The answer must be a JSON object; a field that does not follow the schema is skipped,
	// not the whole answer.
	var a map[string]json.RawMessage
	if err := json.Unmarshal([]byte(resp.Choices[0].Message.Content), &a); err != nil {
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
