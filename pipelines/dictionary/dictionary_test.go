package dictionary_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/define"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/dictionary"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestSeed(t *testing.T) {
	ctx := context.Background()
	tx := dbtest.Tx(t)
	g, err := glossary.Load()
	require.NoError(t, err)
	n, err := dictionary.Seed(ctx, tx, g)
	require.NoError(t, err)
	require.Equal(t, len(g.Entries()), n)
	n, err = dictionary.Seed(ctx, tx, g)
	require.NoError(t, err)
	require.Zero(t, n, "seeding again changes nothing")

	e, err := store.DictionaryEntryByTerm(ctx, tx, glossary.Key("Étude"), "en")
	require.NoError(t, err)
	require.Equal(t, "genre", e.Type)
	require.Equal(t, 1, e.Version)
	require.NotNil(t, e.QualityScore)
	require.GreaterOrEqual(t, *e.QualityScore, 0.7, "the glossary passes its rubric: %v", e.QualityIssues)
	require.Equal(t, "published", e.Status)
	versions, err := store.EntryVersions(ctx, tx, e.ID)
	require.NoError(t, err)
	require.Len(t, versions, 1, "its first version is its history")

	// An editor's entry is kept by the next seed.
	_, err = tx.Exec(ctx, `UPDATE dictionary_entries SET origin = 'editor', definition = '{"concise": "edited"}' WHERE term_key = 'allegro'`)
	require.NoError(t, err)
	n, err = dictionary.Seed(ctx, tx, g)
	require.NoError(t, err)
	require.Zero(t, n)
	e, err = store.DictionaryEntryByTerm(ctx, tx, "allegro", "en")
	require.NoError(t, err)
	require.Equal(t, "edited", e.Definition.Concise)
	require.Equal(t, 2, e.Version, "a change of the text is a new version, whoever wrote it")
	_, err = tx.Exec(ctx, `UPDATE dictionary_entries SET status = 'review' WHERE term_key = 'allegro'`)
	require.NoError(t, err)
	versions, err = store.EntryVersions(ctx, tx, e.ID)
	require.NoError(t, err)
	require.Len(t, versions, 2)
	require.Equal(t, "review", versions[0].Status)
	require.Equal(t, "edited", versions[0].Definition.Concise)
	allegro, _ := g.Lookup("allegro")
	require.Equal(t, allegro.Concise, versions[1].Definition.Concise, "the first text is kept")
}

// TestOneJobPerTerm: a hundred requests at once for one term and language make one job; the
// worker defines it.
func TestOneJobPerTerm(t *testing.T) {
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	g, err := glossary.Load()
	require.NoError(t, err)
	w := river.NewWorkers()
	river.AddWorker(w, dictionary.NewDefineWorker(pool, define.NewLocal(g), dictionary.DefaultQuality(), "local-hash-v1-768"))
	river.AddWorker(w, dictionary.NewEmbedWorker(pool, embed.NewLocal(768)))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t), Workers: w,
		Queues: map[string]river.QueueConfig{queues.Dictionary: {MaxWorkers: 2}}, FetchCooldown: time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)

	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[int64]int{}
	for i := range 100 {
		wg.Go(func() {
			spelling := []string{"Rallentando", "rallentando", " RALLENTANDO "}[i%3]
			res, err := dictionary.Request(ctx, pool, client, spelling, "en", false)
			require.NoError(t, err)
			mu.Lock()
			ids[res.Job.ID]++
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Len(t, ids, 1, "one job")
	var jobs int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'dictionary_define'`).Scan(&jobs))
	require.Equal(t, 1, jobs)

	_, err = dictionary.Request(ctx, pool, client, "rallentando", "xx", false)
	require.ErrorIs(t, err, dictionary.ErrBadRequest)
	res, err := dictionary.Request(ctx, pool, client, "rallentando", "fr", false)
	require.NoError(t, err)
	require.False(t, res.UniqueSkippedAsDuplicate, "another language is another job")

	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { require.NoError(t, client.Stop(ctx)) })
	require.Eventually(t, func() bool {
		_, err := store.DictionaryEntryByTerm(ctx, pool, "rallentando", "en")
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool {
		var state string
		_ = pool.QueryRow(ctx, `SELECT state FROM river_job WHERE args->>'lang' = 'fr'`).Scan(&state)
		return state == "cancelled"
	}, 10*time.Second, 20*time.Millisecond, "the local provider cannot define French: cancelled with its reason")
	var entries, embedJobs int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM dictionary_entries`).Scan(&entries))
	require.Equal(t, 1, entries, "one entry")
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'dictionary_embed'
		AND args->>'model' = 'local-hash-v1-768'`).Scan(&embedJobs))
	require.Equal(t, 1, embedJobs, "its embedding asked for in the same transaction")
	require.Eventually(t, func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM dictionary_embeddings`).Scan(&n)
		return n == 1
	}, 10*time.Second, 20*time.Millisecond, "and made")
}

// TestEmbedBackfill: every entry gets a vector of the current model through batched jobs;
// entries already covered (by a vector or a pending job) are not embedded twice; semantic
// search then finds them.
func TestEmbedBackfill(t *testing.T) {
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	g, err := glossary.Load()
	require.NoError(t, err)
	_, err = dictionary.Seed(ctx, pool, g)
	require.NoError(t, err)
	e := embed.NewLocal(256)
	w := river.NewWorkers()
	river.AddWorker(w, dictionary.NewEmbedWorker(pool, e))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t), Workers: w,
		Queues: map[string]river.QueueConfig{queues.Dictionary: {MaxWorkers: 2}}, FetchCooldown: time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)

	jobs, err := dictionary.Backfill(ctx, pool, client, e)
	require.NoError(t, err)
	entries := len(g.Entries())
	require.Equal(t, (entries+dictionary.EmbedBatch-1)/dictionary.EmbedBatch, jobs, "batches of %d", dictionary.EmbedBatch)
	jobs, err = dictionary.Backfill(ctx, pool, client, e)
	require.NoError(t, err)
	require.Zero(t, jobs, "pending jobs already cover every entry")

	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { require.NoError(t, client.Stop(ctx)) })
	m := store.EmbeddingModel{Name: e.Model(), Dims: e.Dims()}
	require.Eventually(t, func() bool {
		var n int
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM dictionary_embeddings WHERE model = $1`, m.Name).Scan(&n)
		return n == entries
	}, 30*time.Second, 50*time.Millisecond)
	jobs, err = dictionary.Backfill(ctx, pool, client, e)
	require.NoError(t, err)
	require.Zero(t, jobs, "nothing left to embed")

	// A new model embeds everything again, beside the old vectors.
	e2 := embed.NewLocal(128)
	jobs, err = dictionary.Backfill(ctx, pool, client, e2)
	require.NoError(t, err)
	require.Positive(t, jobs)

	q, err := e.Embed(ctx, []string{"plucking the strings with the fingers"})
	require.NoError(t, err)
	got, err := store.Nearest(ctx, pool, m, q[0], "en", 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	terms := []string{got[0].Term, got[1].Term, got[2].Term}
	require.Contains(t, terms, "pizzicato")
}
