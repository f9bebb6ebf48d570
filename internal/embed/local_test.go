package embed_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/embed"
)

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot // unit vectors
}

func TestLocal(t *testing.T) {
	e := embed.NewLocal(768)
	require.Equal(t, 768, e.Dims())
	require.Equal(t, "local-hash-v1-768", e.Model())
	vs, err := e.Embed(context.Background(), []string{
		"rallentando: gradually slowing down",
		"Rallentando — gradually slowing down",
		"ritardando, gradually getting slower",
		"fortissimo: very loud",
		"ralentando", // misspelled
		"",
	})
	require.NoError(t, err)
	for _, v := range vs[:5] {
		require.Len(t, v, 768)
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		require.InDelta(t, 1, math.Sqrt(n), 1e-5, "unit length")
	}
	require.InDelta(t, 1, cosine(vs[0], vs[1]), 1e-6, "case, accents and punctuation do not matter")
	require.Greater(t, cosine(vs[0], vs[2]), cosine(vs[0], vs[3]), "slowing down is nearer slowing down than loudness")
	require.Greater(t, cosine(vs[0], vs[4]), 0.3, "a misspelling lands near its word")
	require.Equal(t, make([]float32, 768), vs[5], "no words: the zero vector")

	again, err := embed.NewLocal(768).Embed(context.Background(), []string{"rallentando: gradually slowing down"})
	require.NoError(t, err)
	require.Equal(t, vs[0], again[0], "deterministic")
}
