package dictionary_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/define"
	"github.com/mirubato/mirubato/internal/embed"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/dictionary"
)

// frenchCrescendo is a good answer of the chat model, in its JSON; english is the same
// written in the wrong language.
func frenchCrescendo(t *testing.T, english bool) string {
	t.Helper()
	a := map[string]any{"term": "crescendo", "source_lang": "it", "type": "dynamics", "translation": "",
		"concise":   "Augmentation progressive de l'intensité sonore.",
		"detailed":  "Le crescendo indique que le volume doit augmenter peu à peu sur un passage. Il est noté par l'abréviation cresc. ou par un soufflet ouvert sous la portée, et il s'oppose au decrescendo.",
		"etymology": "De l'italien crescere, « croître ».", "ipa": "kreˈʃɛndo", "syllables": "cre-SCEN-do",
		"example": "Le crescendo des cordes mène au fortissimo final.", "related": []string{"decrescendo", "diminuendo"},
		"references": []string{"Grove Music Online"}}
	if english {
		a["concise"] = "A gradual increase in loudness of the music."
		a["detailed"] = "The crescendo tells the players to grow louder over a passage. It is written as cresc. or as an opening hairpin under the staff, and it is the opposite of the decrescendo in the score."
		a["example"] = "The crescendo of the strings leads to the final fortissimo."
	}
	out, err := json.Marshal(a)
	require.NoError(t, err)
	return string(out)
}

// work runs one definition job through River's executor (rivertest), the job row living in a
// transaction that is rolled back at the end; the worker's own writes are committed.
func work(t *testing.T, tw *rivertest.Worker[dictionary.DefineArgs, pgx.Tx], pool *pgxpool.Pool, args dictionary.DefineArgs, job *rivertype.JobRow) *rivertest.WorkResult {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx) })
	var res *rivertest.WorkResult
	if job == nil {
		res, _ = tw.Work(ctx, t, tx, args, nil)
	} else {
		res, _ = tw.WorkJob(ctx, t, tx, job)
	}
	require.NoError(t, tx.Commit(ctx))
	return res
}

func TestDefineWithAI(t *testing.T) {
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	fake := aitest.New(t, "k")
	completer := define.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k", Timeout: 5 * time.Second}, "chat-model")
	worker := dictionary.NewDefineWorker(pool, completer, dictionary.Quality{Threshold: 0.7, MaxRegenerations: 2}, "local-hash-v1-64")
	tw := rivertest.NewWorker(t, riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t)}, worker)
	args := func(term, lang string) dictionary.DefineArgs {
		a, err := dictionary.NewDefineArgs(term, lang)
		require.NoError(t, err)
		return a
	}
	requests := func() int { return len(fake.Requests()) }

	t.Run("a good answer is published", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: frenchCrescendo(t, false)})
		before := requests()
		res := work(t, tw, pool, args("Crescendo", "fr"), nil)
		require.Equal(t, river.EventKindJobCompleted, res.EventKind)
		require.Equal(t, 1, requests()-before, "no regeneration")
		e, err := store.DictionaryEntryByTerm(ctx, pool, "crescendo", "fr")
		require.NoError(t, err)
		require.Equal(t, "published", e.Status)
		require.Equal(t, "ai", e.Origin)
		require.InDelta(t, 1.0, *e.QualityScore, 1e-6)
		require.Equal(t, "/kreˈʃɛndo/", e.Definition.Pronunciation.IPA)
		var embedJobs int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'dictionary_embed'
			AND args->'entry_ids' ? $1`, e.ID.String()).Scan(&embedJobs))
		require.Equal(t, 1, embedJobs, "its embedding is asked for with it")
	})

	t.Run("below the threshold it is regenerated, then kept for review", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: frenchCrescendo(t, true)})
		before := requests()
		res := work(t, tw, pool, args("crescendo", "es"), nil)
		require.Equal(t, river.EventKindJobCompleted, res.EventKind)
		require.Equal(t, 3, requests()-before, "asked once, then twice again")
		last := fake.Requests()[requests()-1]
		user := last["messages"].([]any)[1].(map[string]any)["content"].(string)
		require.Contains(t, user, "not Spanish", "the rubric's issues are sent back")
		e, err := store.DictionaryEntryByTerm(ctx, pool, "crescendo", "es")
		require.NoError(t, err)
		require.Equal(t, "review", e.Status)
		require.InDelta(t, 0.4, *e.QualityScore, 1e-9, "capped: the wrong language")
		require.Contains(t, strings.Join(e.QualityIssues, "; "), "English, not Spanish")
	})

	t.Run("a better second answer is published", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: frenchCrescendo(t, true)},
			aitest.Reply{Status: http.StatusOK, Content: frenchCrescendo(t, false)})
		before := requests()
		work(t, tw, pool, args("decrescendo", "fr"), nil)
		require.Equal(t, 2, requests()-before)
		e, err := store.DictionaryEntryByTerm(ctx, pool, "decrescendo", "fr")
		require.NoError(t, err)
		require.Equal(t, "published", e.Status)
	})

	t.Run("a failure while asking again keeps the best answer for review", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: frenchCrescendo(t, true)}, aitest.Reply{Status: http.StatusBadGateway})
		res := work(t, tw, pool, args("crescendo", "de"), nil)
		require.Equal(t, river.EventKindJobCompleted, res.EventKind)
		e, err := store.DictionaryEntryByTerm(ctx, pool, "crescendo", "de")
		require.NoError(t, err)
		require.Equal(t, "review", e.Status)
		require.Contains(t, strings.Join(e.QualityIssues, "; "), "asking again failed")
	})

	t.Run("429 snoozes for Retry-After", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "40"})
		res := work(t, tw, pool, args("legato", "de"), nil)
		require.Equal(t, river.EventKindJobSnoozed, res.EventKind)
		require.Equal(t, rivertype.JobStateScheduled, res.Job.State)
		require.WithinDuration(t, time.Now().Add(40*time.Second), res.Job.ScheduledAt, 5*time.Second)
	})

	t.Run("5xx is retried with backoff", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusServiceUnavailable})
		res := work(t, tw, pool, args("staccato", "de"), nil)
		require.Equal(t, river.EventKindJobFailed, res.EventKind)
		requireRetried(t, res.Job)
		require.Contains(t, res.Job.Errors[0].Error, "503")
	})

	t.Run("malformed answers are retried, then the job fails with the reason", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: `{"term": "tenuto", "concise": `})
		res := work(t, tw, pool, args("tenuto", "fr"), nil)
		requireRetried(t, res.Job)
		res = work(t, tw, pool, dictionary.DefineArgs{}, res.Job)
		requireRetried(t, res.Job)
		res = work(t, tw, pool, dictionary.DefineArgs{}, res.Job)
		require.Equal(t, rivertype.JobStateCancelled, res.Job.State)
		require.Contains(t, res.Job.Errors[len(res.Job.Errors)-1].Error, "gave up after 3 attempts, the last one a malformed answer")
		_, err := store.DictionaryEntryByTerm(ctx, pool, "tenuto", "fr")
		require.ErrorIs(t, err, store.ErrNotFound, "nothing half-written")
	})

	t.Run("regenerating makes a new version and keeps the old", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: frenchCrescendo(t, false)})
		a := args("crescendo", "es")
		a.Regenerate = true
		work(t, tw, pool, a, nil)
		e, err := store.DictionaryEntryByTerm(ctx, pool, "crescendo", "es")
		require.NoError(t, err)
		require.Equal(t, 2, e.Version)
		versions, err := store.EntryVersions(ctx, pool, e.ID)
		require.NoError(t, err)
		require.Len(t, versions, 2)
		require.Equal(t, "review", versions[1].Status, "version 1 was kept for review")
		require.Equal(t, 2, versions[0].Version)
	})
}

// requireRetried: the job failed and will be tried again (River makes a retry that is due
// within a few seconds available at once).
func requireRetried(t *testing.T, job *rivertype.JobRow) {
	t.Helper()
	require.Contains(t, []rivertype.JobState{rivertype.JobStateRetryable, rivertype.JobStateAvailable}, job.State)
	require.Len(t, job.Errors, job.Attempt)
}

// TestEmbedSnoozesOn429: the embedding job waits as the service asks.
func TestEmbedSnoozesOn429(t *testing.T) {
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	fake := aitest.New(t, "k", aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "20"})
	e := embed.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k"}, "emb", 16)
	id, err := store.UpsertDictionaryEntry(ctx, pool, store.NewDictionaryEntry{Term: "forte", TermKey: "forte", Lang: "en",
		Type: "dynamics", Origin: "editor", Definition: store.Definition{Concise: "Loud."}})
	require.NoError(t, err)
	tw := rivertest.NewWorker(t, riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t)}, dictionary.NewEmbedWorker(pool, e))
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	res, _ := tw.Work(ctx, t, tx, dictionary.EmbedArgs{EntryIDs: []uuid.UUID{id}, Model: e.Model()}, nil)
	require.Equal(t, river.EventKindJobSnoozed, res.EventKind)
	require.WithinDuration(t, time.Now().Add(20*time.Second), res.Job.ScheduledAt, 5*time.Second)

	fake.SetReplies(aitest.Reply{Status: http.StatusOK})
	res, _ = tw.WorkJob(ctx, t, tx, res.Job)
	require.Equal(t, river.EventKindJobCompleted, res.EventKind)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM dictionary_embeddings WHERE entry_id = $1 AND model = $2`, id, e.Model()).Scan(&n))
	require.Equal(t, 1, n)
}
