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

	// An editor's entry is kept by the next seed.
	_, err = tx.Exec(ctx, `UPDATE dictionary_entries SET origin = 'editor', definition = '{"concise": "edited"}' WHERE term_key = 'allegro'`)
	require.NoError(t, err)
	n, err = dictionary.Seed(ctx, tx, g)
	require.NoError(t, err)
	require.Zero(t, n)
	e, err = store.DictionaryEntryByTerm(ctx, tx, "allegro", "en")
	require.NoError(t, err)
	require.Equal(t, "edited", e.Definition["concise"])
}

// TestOneJobPerTerm: a hundred requests at once for one term and language make one job; the
// worker defines it.
func TestOneJobPerTerm(t *testing.T) {
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	g, err := glossary.Load()
	require.NoError(t, err)
	w := river.NewWorkers()
	river.AddWorker(w, dictionary.NewDefineWorker(pool, g))
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
			res, err := dictionary.Request(ctx, pool, client, spelling, "en")
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

	_, err = dictionary.Request(ctx, pool, client, "rallentando", "xx")
	require.ErrorIs(t, err, dictionary.ErrBadRequest)
	res, err := dictionary.Request(ctx, pool, client, "rallentando", "fr")
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
	}, 10*time.Second, 20*time.Millisecond, "French cannot be defined yet: cancelled with its reason")
	var entries int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM dictionary_entries`).Scan(&entries))
	require.Equal(t, 1, entries, "one entry")
}
