// Command search measures semantic search over dictionary embeddings in pgvector: top-10
// queries through the model's HNSW index against an exact scan of the same rows, in the same
// run, and the recall@10 of the index against the exact results.
//
// The embeddings are generated: n term-like texts (words of the glossary's definitions,
// drawn with a skew like real vocabulary), embedded by the local embedder at dims
// dimensions. Queries are other texts drawn the same way. The last line printed is one JSON
// object:
//
//	{"n":100000, "dims":768, "hnsw_p50_ms":…, "hnsw_p95_ms":…, "exact_p95_ms":…, "recall_at_10":…}
//
// Usage: make bench-search [N=100000] (DATABASE_URL's server, a database of its own).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
)

type result struct {
	N           int     `json:"n"`
	Dims        int     `json:"dims"`
	HNSWP50MS   float64 `json:"hnsw_p50_ms"`
	HNSWP95MS   float64 `json:"hnsw_p95_ms"`
	ExactP50MS  float64 `json:"exact_p50_ms"`
	ExactP95MS  float64 `json:"exact_p95_ms"`
	RecallAt10  float64 `json:"recall_at_10"`
	EfSearch    int     `json:"ef_search"`
	Queries     int     `json:"queries"`
	LoadS       float64 `json:"load_s"`
	IndexBuildS float64 `json:"index_build_s"`
}

func main() {
	n := flag.Int("n", 100_000, "embeddings")
	dims := flag.Int("dims", 768, "dimensions")
	queries := flag.Int("queries", 200, "queries")
	ef := flag.Int("ef-search", 200, "hnsw.ef_search")
	flag.Parse()
	if err := run(context.Background(), *n, *dims, *queries, *ef); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// texts draws count term-like texts of 4 to 12 words from vocab, favouring its first words.
func texts(rng *rand.Rand, vocab []string, count int) []string {
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	out := make([]string, count)
	for i := range out {
		k := 4 + rng.IntN(9)
		w := make([]string, k)
		for j := range w {
			w[j] = vocab[zipf.Uint64()]
		}
		out[i] = strings.Join(w, " ")
	}
	return out
}

func vocabulary() ([]string, error) {
	g, err := glossary.Load()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var vocab []string
	for _, e := range g.Entries() {
		for _, w := range strings.FieldsFunc(strings.ToLower(e.Term+" "+e.Concise+" "+e.Detailed), func(r rune) bool {
			return (r < 'a' || r > 'z') && r < 0x80
		}) {
			if len(w) > 2 && !seen[w] {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	return vocab, nil
}

func run(ctx context.Context, n, dims, nq, ef int) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	_, dbURL, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_search", logger)
	if err != nil {
		return err
	}
	defer cleanup()
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	pcfg.AfterConnect = pgxvec.RegisterTypes
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	vocab, err := vocabulary()
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, 11))
	docs := texts(rng, vocab, n)
	qs := texts(rng, vocab, nq)
	e := embed.NewLocal(dims)
	m := store.EmbeddingModel{Name: e.Model(), Dims: dims}
	fmt.Printf("vocabulary %d words; embedding %d texts at %d dimensions\n", len(vocab), n, dims)

	start := time.Now()
	const batch = 5000
	for from := 0; from < n; from += batch {
		part := docs[from:min(from+batch, n)]
		vecs, err := e.Embed(ctx, part)
		if err != nil {
			return err
		}
		ids := make([]uuid.UUID, len(part))
		entries := make([][]any, len(part))
		embs := make([][]any, len(part))
		for i, text := range part {
			ids[i] = uuid.New()
			key := fmt.Sprintf("term %d", from+i)
			def, _ := json.Marshal(map[string]string{"concise": text})
			entries[i] = []any{ids[i], key, key, "en", "general", string(def), "glossary"}
			embs[i] = []any{ids[i], m.Name, dims, pgvector.NewVector(vecs[i])}
		}
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{"dictionary_entries"},
			[]string{"id", "term", "term_key", "lang", "type", "definition", "origin"}, pgx.CopyFromRows(entries)); err != nil {
			return fmt.Errorf("loading entries: %w", err)
		}
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{"dictionary_embeddings"},
			[]string{"entry_id", "model", "dims", "embedding"}, pgx.CopyFromRows(embs)); err != nil {
			return fmt.Errorf("loading embeddings: %w", err)
		}
	}
	load := time.Since(start)
	fmt.Printf("loaded in %.1f s\n", load.Seconds())

	start = time.Now()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	if err := store.EnsureEmbeddingIndex(ctx, conn, m); err != nil {
		return err
	}
	conn.Release()
	build := time.Since(start)
	fmt.Printf("HNSW index built in %.1f s\n", build.Seconds())
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE dictionary_embeddings`); err != nil {
		return err
	}

	qvecs, err := e.Embed(ctx, qs)
	if err != nil {
		return err
	}
	var hnswTimes, exactTimes []time.Duration
	var recall float64
	// HNSW: the product's path (its own transaction setting ef_search, then the query);
	// exact: the same query with index scans off, so PostgreSQL compares every vector.
	search := func(q []float32, exact bool) ([]uuid.UUID, time.Duration, error) {
		var hits []store.Neighbour
		var took time.Duration
		var err error
		if exact {
			err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SET LOCAL enable_indexscan = off`); err != nil {
					return err
				}
				t := time.Now()
				hits, err = store.NearestEF(ctx, tx, m, q, "", 10, ef)
				took = time.Since(t)
				return err
			})
		} else {
			t := time.Now()
			hits, err = store.NearestEF(ctx, pool, m, q, "", 10, ef)
			took = time.Since(t)
		}
		ids := make([]uuid.UUID, len(hits))
		for i, h := range hits {
			ids[i] = h.EntryID
		}
		return ids, took, err
	}
	// Warm up the cache and check that the plans are the ones meant.
	for _, q := range qvecs[:min(10, len(qvecs))] {
		if _, _, err := search(q, false); err != nil {
			return err
		}
	}
	plan, err := store.ExplainNearest(ctx, pool, m, qvecs[0], "", 10)
	if err != nil {
		return err
	}
	if !strings.Contains(plan, "Index Scan using dictionary_embeddings_hnsw_") {
		return fmt.Errorf("the HNSW index is not used:\n%s", plan)
	}
	for _, q := range qvecs {
		approx, took, err := search(q, false)
		if err != nil {
			return err
		}
		hnswTimes = append(hnswTimes, took)
		exact, took, err := search(q, true)
		if err != nil {
			return err
		}
		exactTimes = append(exactTimes, took)
		hit := 0
		for _, id := range approx {
			if slices.Contains(exact, id) {
				hit++
			}
		}
		recall += float64(hit) / float64(max(1, len(exact)))
	}
	res := result{N: n, Dims: dims, EfSearch: ef, Queries: nq, LoadS: round(load.Seconds()), IndexBuildS: round(build.Seconds()),
		HNSWP50MS: pct(hnswTimes, 50), HNSWP95MS: pct(hnswTimes, 95), ExactP50MS: pct(exactTimes, 50), ExactP95MS: pct(exactTimes, 95),
		RecallAt10: math.Round(recall/float64(nq)*1000) / 1000}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

func pct(ds []time.Duration, p float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return round(float64(s[max(0, i)].Microseconds()) / 1000)
}

func round(x float64) float64 { return math.Round(x*100) / 100 }
