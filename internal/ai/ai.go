// Package ai is the client of OpenAI-compatible services that the providers share (score
// metadata, dictionary definitions, embeddings): one way to configure it, and one reading
// of its errors, so every pipeline treats "call again later" (HTTP 429 with Retry-After)
// the same way.
package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mirubato/mirubato/internal/retryafter"
)

// Config says where the service is.
type Config struct {
	BaseURL string // e.g. https://api.openai.com/v1, or any compatible service
	APIKey  string
	Timeout time.Duration // per request; 0 means 60 s
}

// NewClient returns a go-openai client for cfg whose 429 answers become *RetryLater errors
// (through Err).
func NewClient(cfg Config) *openai.Client {
	c := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		c.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	c.HTTPClient = retryAfterDoer{client: &http.Client{Timeout: timeout}}
	return openai.NewClientWithConfig(c)
}

// RetryLater is returned when the service asks to be called again later (HTTP 429).
type RetryLater struct {
	After time.Duration
	Err   error
}

func (e *RetryLater) Error() string { return fmt.Sprintf("retry after %s: %v", e.After, e.Err) }
func (e *RetryLater) Unwrap() error { return e.Err }

// ErrInvalidAnswer is wrapped by errors about answers that came, but not in the form asked
// for (not the JSON of the schema, missing fields, vectors of the wrong size).
var ErrInvalidAnswer = errors.New("the AI service's answer is not what was asked for")

// Call runs one request to the service (a go-openai call made with the context it is
// given), and returns its error as *RetryLater when the service answered 429.
func Call(ctx context.Context, call func(ctx context.Context) error) error {
	var after time.Duration
	err := call(context.WithValue(ctx, retryAfterKey{}, &after))
	if err == nil {
		return nil
	}
	if Status(err) == http.StatusTooManyRequests {
		return &RetryLater{After: after, Err: err}
	}
	return err
}

// Status is the HTTP status of a go-openai error (0 when the service did not answer).
func Status(err error) int {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		return reqErr.HTTPStatusCode
	}
	return 0
}

// retryAfterDoer keeps the Retry-After of a 429 answer where Call can read it: go-openai
// turns the answer into an error without its headers.
type retryAfterDoer struct{ client *http.Client }

type retryAfterKey struct{}

func (d retryAfterDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		if p, ok := req.Context().Value(retryAfterKey{}).(*time.Duration); ok {
			*p = retryafter.Parse(resp.Header.Get("Retry-After"), 30*time.Second)
		}
	}
	return resp, err
}

// RawSchema is a JSON schema for structured output, written as a map.
type RawSchema map[string]any

// MarshalJSON implements json.Marshaler (go-openai wants one).
func (s RawSchema) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any(s))
}

// ChatJSON asks a chat model for JSON that follows schema (structured output, strict) and
// returns the answer's text, not yet checked. A 429 is a *RetryLater; an answer without a
// choice wraps ErrInvalidAnswer.
func ChatJSON(ctx context.Context, client *openai.Client, model, name string, schema RawSchema, system, user string) (string, error) {
	return chatJSON(ctx, client, model, name, schema, system, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: user})
}

// ChatJSONImage is ChatJSON with an image beside the user's text, for a vision-capable
// model: imageURL (a data URL such as data:image/png;base64,… or an https URL) is sent as
// an image_url content part after the text part, at high detail (small print matters).
func ChatJSONImage(ctx context.Context, client *openai.Client, model, name string, schema RawSchema, system, user, imageURL string) (string, error) {
	return chatJSON(ctx, client, model, name, schema, system, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser,
		MultiContent: []openai.ChatMessagePart{
			{Type: openai.ChatMessagePartTypeText, Text: user},
			{Type: openai.ChatMessagePartTypeImageURL, ImageURL: &openai.ChatMessageImageURL{URL: imageURL, Detail: openai.ImageURLDetailHigh}},
		}})
}

func chatJSON(ctx context.Context, client *openai.Client, model, name string, schema RawSchema, system string, user openai.ChatCompletionMessage) (string, error) {
	var resp openai.ChatCompletionResponse
	err := Call(ctx, func(ctx context.Context) error {
		var err error
		resp, err = client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
			Model: model,
			Messages: []openai.ChatCompletionMessage{
				{Role: openai.ChatMessageRoleSystem, Content: system},
				user,
			},
			ResponseFormat: &openai.ChatCompletionResponseFormat{
				Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
				JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: name, Schema: schema, Strict: true},
			},
			Temperature: 0,
		})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("error asking the AI service: %w", err)
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("%w: no choices", ErrInvalidAnswer)
	}
	return resp.Choices[0].Message.Content, nil
}
