// Package embed turns text into vectors for semantic search. Local embeds without any
// network, by feature hashing; an OpenAI-compatible embedder is to join it.
package embed

import (
	"context"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/mirubato/mirubato/internal/textfold"
)

// Embedder turns texts into vectors of Dims() numbers, with unit length (so cosine distance
// is what compares them).
type Embedder interface {
	Model() string
	Dims() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Local is a deterministic embedder that needs no network: each word, and each 3- and
// 4-character piece of a word (so "rallentando" and "rallentare" share features, and a
// misspelling still lands near its word), is hashed to one of Dims positions with a sign;
// the counts, damped by a square root, are normalised to unit length. Same text, same vector,
// on every machine.
type Local struct{ dims int }

// NewLocal returns a local embedder of dims dimensions (at least 16).
func NewLocal(dims int) *Local { return &Local{dims: max(16, dims)} }

// Model implements Embedder; the dimensions are part of the model's name, since vectors of
// different sizes cannot be compared.
func (l *Local) Model() string { return "local-hash-v1-" + strconv.Itoa(l.dims) }

// Dims implements Embedder.
func (l *Local) Dims() int { return l.dims }

// Embed implements Embedder.
func (l *Local) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = l.vector(t)
	}
	return out, nil
}

func (l *Local) vector(text string) []float32 {
	acc := make([]float64, l.dims)
	add := func(feature string, weight float64) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(feature))
		sum := h.Sum64()
		sign := 1.0
		if sum>>63 == 1 {
			sign = -1
		}
		acc[sum%uint64(l.dims)] += sign * weight
	}
	for _, w := range words(text) {
		add("w:"+w, 1)
		padded := []rune("^" + w + "$")
		for n := 3; n <= 4; n++ {
			for i := 0; i+n <= len(padded); i++ {
				add("g:"+string(padded[i:i+n]), 0.5)
			}
		}
	}
	var norm2 float64
	for i, v := range acc {
		// Damp repeated features: a long text does not drown its rarer words.
		d := math.Copysign(math.Sqrt(math.Abs(v)), v)
		acc[i] = d
		norm2 += d * d
	}
	vec := make([]float32, l.dims)
	if norm2 == 0 {
		return vec // no words: the zero vector, which is near nothing
	}
	inv := 1 / math.Sqrt(norm2)
	for i, v := range acc {
		vec[i] = float32(v * inv)
	}
	return vec
}

// words splits text into lower-case words without diacritics.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(textfold.Plain(text)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}
