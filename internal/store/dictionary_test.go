package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
)

// TestNearestOnHandMadeVectors: real pgvector, a model's own HNSW index (used: EXPLAIN),
// neighbours in the right order, other models' and languages' vectors left out.
func TestNearestOnHandMadeVectors(t *testing.T) {
	ctx := context.Background()
	tx := dbtest.Tx(t)
	m := store.EmbeddingModel{Name: "test/hand-made:4", Dims: 4}
	other := store.EmbeddingModel{Name: "other", Dims: 4}
	vectors := map[string][]float32{
		"a": {1, 0, 0, 0}, "b": {0.9, 0.1, 0, 0}, "c": {0, 1, 0, 0}, "d": {0, 0, 1, 0}, "e": {0, 0, 0, 1},
	}
	ids := map[string]uuid.UUID{}
	for term, vec := range vectors {
		lang := "en"
		if term == "e" {
			lang = "de"
		}
		id, err := store.UpsertDictionaryEntry(ctx, tx, store.NewDictionaryEntry{Term: term, TermKey: term, Lang: lang,
			Type: "general", Origin: "editor", Definition: store.Definition{Concise: term}})
		require.NoError(t, err)
		ids[term] = id
		require.NoError(t, store.PutEmbedding(ctx, tx, id, m, vec))
	}
	require.NoError(t, store.PutEmbedding(ctx, tx, ids["d"], other, []float32{1, 0, 0, 0}), "another model's vector, nearest of all")
	require.Error(t, store.PutEmbedding(ctx, tx, ids["a"], m, []float32{1, 0}), "the model's size")
	require.NoError(t, store.EnsureEmbeddingIndex(ctx, tx, m))
	require.NoError(t, store.EnsureEmbeddingIndex(ctx, tx, m), "idempotent")

	got, err := store.Nearest(ctx, tx, m, []float32{1, 0.05, 0, 0}, "en", 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, []string{"a", "b", "c"}, []string{got[0].Term, got[1].Term, got[2].Term})
	require.Less(t, got[0].Distance, got[1].Distance)
	got, err = store.Nearest(ctx, tx, m, []float32{0, 0, 0, 1}, "de", 3)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "e", got[0].Term)

	// The planner can use the model's index for the query (a table this small would be
	// scanned otherwise).
	_, err = tx.Exec(ctx, `SET LOCAL enable_seqscan = off`)
	require.NoError(t, err)
	plan, err := store.ExplainNearest(ctx, tx, m, []float32{1, 0, 0, 0}, "", 3)
	require.NoError(t, err)
	require.Contains(t, plan, "Index Scan using dictionary_embeddings_hnsw_", plan)

	require.Error(t, store.EnsureEmbeddingIndex(ctx, tx, store.EmbeddingModel{Name: "x'; DROP TABLE users; --", Dims: 4}))
}

// TestNearestGlossaryLocalEmbedder: the glossary embedded by the local embedder, searched by
// meaning through pgvector.
func TestNearestGlossaryLocalEmbedder(t *testing.T) {
	ctx := context.Background()
	tx := dbtest.Tx(t)
	g, err := glossary.Load()
	require.NoError(t, err)
	e := embed.NewLocal(768)
	m := store.EmbeddingModel{Name: e.Model(), Dims: e.Dims()}
	entries := g.Entries()
	texts := make([]string, len(entries))
	for i, en := range entries {
		texts[i] = en.Term + ". " + en.Concise
	}
	vecs, err := e.Embed(ctx, texts)
	require.NoError(t, err)
	for i, en := range entries {
		id, err := store.UpsertDictionaryEntry(ctx, tx, store.NewDictionaryEntry{Term: en.Term, TermKey: glossary.Key(en.Term),
			Lang: "en", SourceLang: en.SourceLang, Type: en.Type, Origin: "glossary", Definition: store.Definition{Concise: en.Concise}})
		require.NoError(t, err)
		require.NoError(t, store.PutEmbedding(ctx, tx, id, m, vecs[i]))
	}
	require.NoError(t, store.EnsureEmbeddingIndex(ctx, tx, m))
	for query, want := range map[string]string{
		"plucking the strings with the fingers": "pizzicato",
		"gradually getting louder":              "crescendo",
	} {
		q, err := e.Embed(ctx, []string{query})
		require.NoError(t, err)
		got, err := store.Nearest(ctx, tx, m, q[0], "en", 5)
		require.NoError(t, err)
		require.Len(t, got, 5)
		// The exact answer, computed here: the index's first hit must be it.
		best, bestDot := "", -2.0
		for i, v := range vecs {
			var dot float64
			for j := range v {
				dot += float64(v[j]) * float64(q[0][j])
			}
			if dot > bestDot {
				best, bestDot = entries[i].Term, dot
			}
		}
		require.Equal(t, best, got[0].Term, query)
		terms := make([]string, len(got))
		for i, n := range got {
			terms[i] = n.Term
		}
		require.Contains(t, terms, want, "%q: %v", query, terms)
	}
}
