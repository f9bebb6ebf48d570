package metadata_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/metadata"
)

func TestOpenAI(t *testing.T) {
	fake := aitest.New(t, "test-key")
	p := metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "test-key", Timeout: 5 * time.Second}, "test-model")
	in := metadata.Input{Filename: "scan.pdf", Pages: 4, FirstPageText: "Sonate\nL. van Beethoven\nOp. 27 No. 2",
		Info: map[string]string{"Title": "Mondscheinsonate"}}
	ctx := context.Background()

	t.Run("valid JSON", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: `{"title":{"value":"Piano Sonata No. 14 \"Moonlight\"","confidence":0.95},
			"composer":{"value":"Ludwig van Beethoven","confidence":0.99},"difficulty":{"value":7,"confidence":0.6},
			"year":{"value":1801,"confidence":0.9},"tags":{"value":["sonata","moonlight"],"confidence":0.7},
			"key":{"value":"C-sharp minor","confidence":0.9},"opus":{"value":null,"confidence":0},
			"language":{"value":"de","confidence":0.2},"period":{"value":"nonsense-type","confidence":"x"}}`})
		r, err := p.Extract(ctx, in)
		require.NoError(t, err)
		require.Equal(t, "Piano Sonata No. 14 \"Moonlight\"", r["title"].Value)
		require.Equal(t, metadata.SourceAI, r["title"].Source, "more confident than the info dict's 0.9")
		require.Equal(t, 7, r["difficulty"].Value)
		require.Equal(t, 1801, r["year"].Value)
		require.Equal(t, []string{"sonata", "moonlight"}, r["tags"].Value)
		require.Equal(t, "C-sharp minor", r["key"].Value)
		require.Equal(t, "Op. 27 No. 2", r["opus"].Value, "a null from the model leaves the rule-based value")
		require.Equal(t, metadata.SourcePageText, r["opus"].Source)

		req := fake.Requests()[len(fake.Requests())-1]
		require.Equal(t, "test-model", req["model"])
		format := req["response_format"].(map[string]any)
		require.Equal(t, "json_schema", format["type"])
		require.Equal(t, true, format["json_schema"].(map[string]any)["strict"])
		msgs := req["messages"].([]any)
		require.Contains(t, msgs[1].(map[string]any)["content"], "Mondscheinsonate", "the model sees the info dict")
	})
	t.Run("invalid JSON", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: `{"title": "unterminated`})
		_, err := p.Extract(ctx, in)
		require.ErrorIs(t, err, metadata.ErrInvalidAnswer)
	})
	t.Run("429 with Retry-After", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "7"})
		_, err := p.Extract(ctx, in)
		var later *ai.RetryLater
		require.True(t, errors.As(err, &later), "%v", err)
		require.Equal(t, 7*time.Second, later.After)
	})
	t.Run("500", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusInternalServerError})
		_, err := p.Extract(ctx, in)
		require.Error(t, err)
		var later *ai.RetryLater
		require.False(t, errors.As(err, &later))
		require.NotErrorIs(t, err, metadata.ErrInvalidAnswer)
	})
}

func TestOpenAIWrongKey(t *testing.T) {
	fake := aitest.New(t, "right-key", aitest.Reply{Status: http.StatusOK, Content: `{}`})
	p := metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "wrong-key"}, "m")
	_, err := p.Extract(context.Background(), metadata.Input{Filename: "x.pdf"})
	require.ErrorContains(t, err, "invalid api key")
}
