package glossary_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/glossary"
)

func TestGlossary(t *testing.T) {
	g, err := glossary.Load()
	require.NoError(t, err)
	entries := g.Entries()
	require.GreaterOrEqual(t, len(entries), 300, "the issue asks for at least 300 core terms")

	types := map[string]int{}
	for _, e := range entries {
		types[e.Type]++
	}
	for _, ty := range []string{"tempo", "dynamics", "articulation", "form", "genre", "technique", "theory", "notation", "period", "instrument"} {
		require.Positive(t, types[ty], "terms of type %s", ty)
	}

	// Related terms mostly point into the glossary.
	var related, found int
	for _, e := range entries {
		for _, r := range e.Related {
			related++
			if _, ok := g.Lookup(r); ok {
				found++
			}
		}
	}
	require.Greater(t, float64(found)/float64(related), 0.6, "%d of %d related terms are in the glossary", found, related)

	e, ok := g.Lookup("  ALLEGRO ")
	require.True(t, ok)
	require.Equal(t, "tempo", e.Type)
	require.Equal(t, "it", e.SourceLang)
	_, ok = g.Lookup("not a music term")
	require.False(t, ok)
}

func TestKey(t *testing.T) {
	require.Equal(t, "etude", glossary.Key("Étude"))
	require.Equal(t, "da capo al fine", glossary.Key(" Da  Capo al FINE "))
}
