package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	imslpclient "github.com/mirubato/mirubato/internal/imslp"
	"github.com/mirubato/mirubato/internal/imslp/imslptest"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// startIMSLPWorkers works the imslp queue against fake until the test ends. The scores
// pipeline's workers are registered (an import inserts its first job); its queue is worked
// only if startWorkers runs too.
func (b *testBundle) startIMSLPWorkers(t *testing.T, fake *imslptest.Server) {
	t.Helper()
	logger := dbtest.Logger(t)
	w := river.NewWorkers()
	scores.AddWorkers(w, &scores.Deps{Pool: b.pool, Blobs: b.blobs, Logger: logger, Limits: scoreLimits, Metadata: metadata.NewLocal()})
	imslp.AddWorkers(w, &imslp.Deps{Pool: b.pool, Jurisdiction: "us", Logger: logger,
		Client: &imslpclient.Client{BaseURL: fake.URL, HTTP: imslpclient.NewHTTPClient(5 * time.Second), MaxBytes: scoreLimits.MaxBytes},
		Intake: &scores.Intake{Pool: b.pool, Blobs: b.blobs, Logger: logger, Limits: scoreLimits}})
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Logger: logger, Workers: w,
		Queues:        map[string]river.QueueConfig{queues.IMSLP: {MaxWorkers: 3}},
		FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, client.Stop(context.Background())) })
}

type importStatusBody struct {
	ID       uuid.UUID       `json:"id"`
	Kind     string          `json:"kind"`
	State    string          `json:"state"`
	Progress float64         `json:"progress"`
	Batch    *imslp.Batch    `json:"batch"`
	Pipeline *map[string]any `json:"pipeline"`
}

// waitBatch polls the batch's status until it has ended.
func (b *testBundle) waitBatch(t *testing.T, tok string, id uuid.UUID) *imslp.Batch {
	t.Helper()
	var last importStatusBody
	require.Eventually(t, func() bool {
		resp, data := b.call(t, "GET", "/api/import/status/"+id.String(), tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		last = decodeAs[importStatusBody](t, data)
		require.Equal(t, "imslp_batch", last.Kind)
		return last.Batch.Ended()
	}, 30*time.Second, 20*time.Millisecond, "batch %s never ended", id)
	require.Equal(t, last.State, last.Batch.Status)
	require.InDelta(t, 1, last.Progress, 1e-9)
	return last.Batch
}

func imslpWorks() []*imslptest.Work {
	return []*imslptest.Work{
		{PageID: 701, WorkTitle: "Prelude in C major, BWV 846", Composer: "Bach, Johann Sebastian", Instrumentation: "Keyboard",
			Opus: "BWV 846", Key: "C major", Files: []imslptest.File{
				{Index: 7011, Name: "Prelude.pdf", Description: "Complete Score", Pages: 2, Copyright: "Public Domain"}}},
		{PageID: 702, WorkTitle: "Fugue in C minor, BWV 847", Composer: "Bach, Johann Sebastian", Instrumentation: "Keyboard",
			Files: []imslptest.File{{Index: 7021, Name: "Fugue.pdf", Description: "Complete Score", Pages: 2,
				Copyright: "Creative Commons Attribution-ShareAlike 4.0"}}},
		{PageID: 703, WorkTitle: "Cello Suite No.1, BWV 1007", Composer: "Bach, Johann Sebastian", Instrumentation: "Cello",
			Files: []imslptest.File{{Index: 7031, Name: "Suite.pdf", Description: "Complete Score", Pages: 3, Copyright: "Public Domain"}}},
		{PageID: 705, WorkTitle: "Sarabande, BWV 1008/4", Composer: "Bach, Johann Sebastian", Instrumentation: "Cello",
			Files: []imslptest.File{{Index: 7051, Name: "Sarabande.pdf", Description: "Complete Score", Pages: 1, Copyright: "Public Domain"}}},
		{PageID: 704, WorkTitle: "Invention No.1, BWV 772", Composer: "Bach, Johann Sebastian", Instrumentation: "Keyboard",
			Files: []imslptest.File{{Index: 7041, Name: "Invention.pdf", Description: "Complete Score", Pages: 1, Copyright: "Public Domain"}}},
	}
}

func TestIMSLPImport(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	fake, err := imslptest.New()
	require.NoError(t, err)
	t.Cleanup(func() { _ = fake.Close() })
	fake.Add(imslpWorks()...)
	b.startIMSLPWorkers(t, fake)
	owner, tok := b.user(t, "imslp@example.com")
	_, intruderTok := b.user(t, "other@example.com")

	// One work by its URL: a batch of one, answered 202 with where to follow it.
	resp, data := b.call(t, "POST", "/api/import/imslp", tok,
		map[string]any{"work": fake.URL + "/wiki/Prelude_in_C_major,_BWV_846_(Bach,_Johann_Sebastian)"}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	created := decodeAs[imslp.Batch](t, data)
	require.Equal(t, "/api/import/status/"+created.ID.String(), resp.Header.Get("Location"))
	require.Equal(t, 1, created.Total)
	done := b.waitBatch(t, tok, created.ID)
	require.Equal(t, "done", done.Status)
	require.Equal(t, imslp.Counts{Imported: 1}, done.Counts)

	resp, data = b.call(t, "GET", "/api/import/imslp/"+created.ID.String()+"/items", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	items := decodeAs[store.Page[imslp.Item]](t, data).Items
	require.Len(t, items, 1)
	require.Equal(t, "imported", items[0].State)
	require.NotNil(t, items[0].ScoreID)
	require.Equal(t, int64(7011), *items[0].FileIndex)

	// The score it became has the work's metadata and its own pipeline status.
	resp, data = b.call(t, "GET", "/api/scores/"+items[0].ScoreID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	sc := decodeAs[scoreBody](t, data)
	require.Equal(t, "imslp", sc.Source)
	resp, data = b.call(t, "GET", "/api/import/status/"+items[0].ScoreID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	st := decodeAs[importStatusBody](t, data)
	require.Equal(t, "score", st.Kind)
	require.NotNil(t, st.Pipeline)

	// The same work again, by page id: a duplicate, still one score.
	resp, data = b.call(t, "POST", "/api/import/imslp", tok, map[string]any{"work": "701"}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	again := b.waitBatch(t, tok, decodeAs[imslp.Batch](t, data).ID)
	require.Equal(t, imslp.Counts{Duplicate: 1}, again.Counts)

	// A composer's keyboard works: the prelude is a duplicate, the fugue's only file is not
	// public domain (the report says why), the cello works are filtered out, the invention
	// is imported.
	composer := b.composerBatch(t, tok, map[string]any{"composer": "Bach, Johann Sebastian", "instrumentation": "keyboard"})
	require.Equal(t, 5, composer.Total)
	require.Equal(t, imslp.Counts{Duplicate: 1, Imported: 1, Skipped: 3}, composer.Counts)
	reasons := b.skipped(t, tok, composer.ID)
	require.Len(t, reasons, 3)
	all := strings.Join(reasons, " | ")
	require.Contains(t, all, "#7021: not public domain (Creative Commons")
	require.Contains(t, all, `its instrumentation is "Cello", not "keyboard"`)

	// Again, at most one work: one of the two keyboard works the user has gets in (as a
	// duplicate), the other is skipped at the limit.
	limited := b.composerBatch(t, tok, map[string]any{"composer": "Bach, Johann Sebastian", "instrumentation": "keyboard", "limit": 1})
	require.Equal(t, imslp.Counts{Duplicate: 1, Skipped: 4}, limited.Counts)
	require.Contains(t, strings.Join(b.skipped(t, tok, limited.ID), " | "), "the batch's limit of 1 works was reached")

	imported := countScores(t, b, owner.ID)
	require.Equal(t, 2, imported, "one score for each work imported, however often it was asked for")

	// Cancelling: IMSLP answers 429 for a minute, so the jobs snooze; the batch is cancelled
	// meanwhile, its works end as cancelled and nothing is imported.
	fake.Fail(imslptest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "60"},
		imslptest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "60"})
	resp, data = b.call(t, "POST", "/api/import/imslp/batch", tok, map[string]any{"works": []string{"703", "705"}}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	cancelling := decodeAs[imslp.Batch](t, data)
	require.Equal(t, imslp.Asked{Works: 2}, cancelling.Request, "a list's works are counted, not repeated")
	require.Eventually(t, func() bool { // both jobs were told to come back in a minute
		var snoozed int
		require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'imslp_import_work' AND args->>'batch_id' = $1 AND state = 'scheduled'`, cancelling.ID.String()).Scan(&snoozed))
		return snoozed == 2
	}, 10*time.Second, 10*time.Millisecond)
	resp, data = b.call(t, "DELETE", "/api/import/status/"+cancelling.ID.String(), intruderTok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")
	resp, data = b.call(t, "DELETE", "/api/import/status/"+cancelling.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	cancelled := decodeAs[imslp.Batch](t, data)
	require.Equal(t, "cancelled", cancelled.Status)
	require.Equal(t, imslp.Counts{Cancelled: 2}, cancelled.Counts)
	resp, data = b.call(t, "DELETE", "/api/import/status/"+cancelling.ID.String(), tok, nil, nil)
	requireError(t, resp, data, http.StatusConflict, "conflict")
	resp, data = b.call(t, "DELETE", "/api/import/status/"+created.ID.String(), tok, nil, nil)
	requireError(t, resp, data, http.StatusConflict, "conflict")

	// The list: newest first, the user's own only.
	resp, data = b.call(t, "GET", "/api/import/imslp", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	list := decodeAs[struct{ Items []imslp.Batch }](t, data).Items
	require.Len(t, list, 5)
	require.Equal(t, cancelling.ID, list[0].ID)
	resp, data = b.call(t, "GET", "/api/import/imslp/"+created.ID.String()+"/items?cursor=%00%FF", tok, nil, nil)
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = b.call(t, "GET", "/api/import/imslp", intruderTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Empty(t, decodeAs[struct{ Items []imslp.Batch }](t, data).Items)
	for _, path := range []string{"/api/import/status/" + created.ID.String(), "/api/import/imslp/" + created.ID.String() + "/items",
		"/api/import/status/" + items[0].ScoreID.String()} {
		resp, data = b.call(t, "GET", path, intruderTok, nil, nil)
		requireError(t, resp, data, http.StatusNotFound, "not_found")
	}
	require.Equal(t, imported, countScores(t, b, owner.ID))
}

func (b *testBundle) composerBatch(t *testing.T, tok string, req map[string]any) *imslp.Batch {
	t.Helper()
	resp, data := b.call(t, "POST", "/api/import/imslp/batch", tok, req, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	return b.waitBatch(t, tok, decodeAs[imslp.Batch](t, data).ID)
}

// skipped pages through a batch's skipped works, two at a time, and returns the reasons.
func (b *testBundle) skipped(t *testing.T, tok string, batch uuid.UUID) []string {
	t.Helper()
	var reasons []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 3)
		resp, data := b.call(t, "GET", "/api/import/imslp/"+batch.String()+"/items?state=skipped&limit=2&cursor="+
			url.QueryEscape(cursor), tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		page := decodeAs[store.Page[imslp.Item]](t, data)
		for _, it := range page.Items {
			require.Equal(t, "skipped", it.State)
			reasons = append(reasons, *it.Reason)
		}
		if cursor = page.NextCursor; cursor == "" {
			return reasons
		}
	}
}

func countScores(t *testing.T, b *testBundle, owner uuid.UUID) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM scores WHERE owner_id = $1`, owner).Scan(&n))
	return n
}

func TestIMSLPImportBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	u, tok := b.user(t, "bad-imslp@example.com")
	ctx := context.Background()
	batches := func() int {
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM imslp_batches WHERE owner_id = $1`, u.ID).Scan(&n))
		return n
	}
	many := make([]string, 10001)
	for i := range many {
		many[i] = "1"
	}
	for _, c := range []struct {
		path   string
		body   any
		status int
		code   string
		msg    string
	}{
		{"/api/import/imslp", map[string]any{}, 422, "validation_failed", "work"},
		{"/api/import/imslp", map[string]any{"work": "https://example.com/wiki/Some_Work"}, 422, "validation_failed", "not the URL of an IMSLP work page"},
		{"/api/import/imslp", map[string]any{"work": "-3"}, 422, "validation_failed", "not a page id"},
		{"/api/import/imslp", map[string]any{"work": "701", "extra": 1}, 400, "bad_request", "extra"},
		{"/api/import/imslp/batch", map[string]any{}, 422, "validation_failed", "either works"},
		{"/api/import/imslp/batch", map[string]any{"works": []string{"1"}, "composer": "Bach, Johann Sebastian"}, 422, "validation_failed", "not both"},
		{"/api/import/imslp/batch", map[string]any{"works": []string{"1"}, "limit": 5}, 422, "validation_failed", "limit applies"},
		{"/api/import/imslp/batch", map[string]any{"works": []string{"701", "{{bad}}"}}, 422, "validation_failed", "not an IMSLP page title"},
		{"/api/import/imslp/batch", map[string]any{"works": many}, 422, "validation_failed", "works"},
		{"/api/import/imslp/batch", map[string]any{"composer": "Bach, Johann Sebastian", "limit": -1}, 422, "validation_failed", "limit"},
	} {
		resp, data := b.call(t, "POST", c.path, tok, c.body, nil)
		e := requireError(t, resp, data, c.status, c.code)
		require.Contains(t, e.Error.Message+string(data), c.msg, "%s %v", c.path, c.body)
	}
	require.Zero(t, batches(), "nothing was written")

	// At most imslp.MaxActiveBatches unfinished imports at once.
	for range imslp.MaxActiveBatches {
		resp, data := b.call(t, "POST", "/api/import/imslp", tok, map[string]any{"work": "701"}, nil)
		require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	}
	resp, data := b.call(t, "POST", "/api/import/imslp", tok, map[string]any{"work": "702"}, nil)
	e := requireError(t, resp, data, http.StatusConflict, "too_many_imports")
	require.Contains(t, e.Error.Message, "unfinished IMSLP imports")
	require.Equal(t, imslp.MaxActiveBatches, batches())

	// Cancelling one makes room; a retried request with the same Idempotency-Key is answered
	// from the first and makes no second batch.
	resp, data = b.call(t, "GET", "/api/import/imslp?limit=1", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	latest := decodeAs[struct{ Items []imslp.Batch }](t, data).Items
	require.Len(t, latest, 1)
	resp, data = b.call(t, "DELETE", "/api/import/status/"+latest[0].ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	key := http.Header{"Idempotency-Key": {uuid.NewString()}}
	resp, data = b.call(t, "POST", "/api/import/imslp", tok, map[string]any{"work": "702"}, key)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	first := decodeAs[imslp.Batch](t, data)
	resp, data = b.call(t, "POST", "/api/import/imslp", tok, map[string]any{"work": "702"}, key)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	require.Equal(t, first.ID, decodeAs[imslp.Batch](t, data).ID)
	require.Equal(t, imslp.MaxActiveBatches+1, batches())
}
