package embed_test

import (
	"context"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/metadata/openaitest"
)

func TestOpenAI(t *testing.T) {
	ctx := context.Background()
	fake := openaitest.New(t, "k", openaitest.Reply{Status: http.StatusOK})
	e := embed.NewOpenAI(embed.OpenAIConfig{BaseURL: fake.URL, APIKey: "k", Model: "text-embedding-3-small", Dims: 64})
	require.Equal(t, "text-embedding-3-small/64", e.Model())
	vs, err := e.Embed(ctx, []string{"allegro", "adagio\\nmolto", "allegro"})
	require.NoError(t, err)
	require.Len(t, vs, 3)
	require.Equal(t, vs[0], vs[2], "answers are put back in the order asked (the server answers in reverse)")
	require.NotEqual(t, vs[0], vs[1])
	for _, v := range vs {
		require.Len(t, v, 64)
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		require.InDelta(t, 1, math.Sqrt(n), 1e-5)
	}
	req := fake.Requests()[0]
	require.Equal(t, "text-embedding-3-small", req["model"])
	require.EqualValues(t, 64, req["dimensions"])

	fake.SetReplies(openaitest.Reply{Status: http.StatusOK, Dims: 32})
	_, err = e.Embed(ctx, []string{"x"})
	require.ErrorContains(t, err, "32 dimensions, not 64")
	fake.SetReplies(openaitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "3"})
	_, err = e.Embed(ctx, []string{"x"})
	require.Error(t, err)
	fake.SetReplies(openaitest.Reply{Status: http.StatusInternalServerError})
	_, err = e.Embed(ctx, []string{"x"})
	require.Error(t, err)
}
