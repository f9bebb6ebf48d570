package embed_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/embed"
)

func TestOpenAI(t *testing.T) {
	ctx := context.Background()
	fake := aitest.New(t, "k", aitest.Reply{Status: http.StatusOK})
	e := embed.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k"}, "text-embedding-3-small", 64)
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

	fake.SetReplies(aitest.Reply{Status: http.StatusOK, Dims: 32})
	_, err = e.Embed(ctx, []string{"x"})
	require.ErrorContains(t, err, "32 dimensions, not 64")
	require.ErrorIs(t, err, ai.ErrInvalidAnswer)
	fake.SetReplies(aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "3"})
	_, err = e.Embed(ctx, []string{"x"})
	var later *ai.RetryLater
	require.ErrorAs(t, err, &later)
	require.Equal(t, 3*time.Second, later.After)
	fake.SetReplies(aitest.Reply{Status: http.StatusInternalServerError})
	_, err = e.Embed(ctx, []string{"x"})
	require.Error(t, err)
	require.False(t, errors.As(err, &later), "a 500 is retried with backoff, not snoozed")
	require.Equal(t, http.StatusInternalServerError, ai.Status(err))
}
