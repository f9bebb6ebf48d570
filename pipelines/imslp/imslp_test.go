package imslp_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/dbtest"
	imslpclient "github.com/mirubato/mirubato/internal/imslp"
	"github.com/mirubato/mirubato/internal/imslp/imslptest"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/pipelines/scores"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func works() []*imslptest.Work {
	return []*imslptest.Work{
		{PageID: 501, WorkTitle: "Ballade No.1, Op.23", Composer: "Chopin, Frédéric", Instrumentation: "Piano", Files: []imslptest.File{
			{Index: 5011, Name: "Ballade1.pdf", Description: "Complete Score", Pages: 3, Copyright: "Public Domain"}}},
		{PageID: 502, WorkTitle: "Nocturne Op.9 No.2", Composer: "Chopin, Frédéric", Instrumentation: "Piano", Files: []imslptest.File{
			{Index: 5021, Name: "Nocturne.pdf", Description: "Complete Score", Pages: 2, Copyright: "Public Domain - Non-PD US"}}},
		{PageID: 503, WorkTitle: "Cello Sonata, Op.65", Composer: "Chopin, Frédéric", Instrumentation: "Cello", Files: []imslptest.File{
			{Index: 5031, Name: "Sonata.pdf", Description: "Complete Score", Pages: 2, Copyright: "Public Domain"}}},
	}
}

// newWorker starts a River client working the imslp queue against fake (and the scores
// queue is left unworked: imports end at the score's first job).
func newWorker(t *testing.T, pool *pgxpool.Pool, fake *imslptest.Server) *river.Client[pgx.Tx] {
	t.Helper()
	logger := dbtest.Logger(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	w := river.NewWorkers()
	limits := pdf.Limits{MaxBytes: 1 << 20, MaxPages: 50, Timeout: 10 * time.Second}
	// The scores pipeline's workers are registered (an import inserts its first job) but its
	// queue is not worked here.
	scores.AddWorkers(w, &scores.Deps{Pool: pool, Blobs: blobs, Logger: logger, Limits: limits, Metadata: metadata.NewLocal()})
	imslp.AddWorkers(w, &imslp.Deps{Pool: pool, Jurisdiction: "us", Logger: logger,
		Client: &imslpclient.Client{BaseURL: fake.URL, HTTP: imslpclient.NewHTTPClient(5 * time.Second), MaxBytes: 1 << 20},
		Intake: &scores.Intake{Pool: pool, Blobs: blobs, Logger: logger, Limits: limits}})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger, Workers: w,
		Queues:        map[string]river.QueueConfig{queues.IMSLP: {MaxWorkers: 4}},
		FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, client.Stop(context.Background())) })
	return client
}

// outcome returns each work's state and reason once the batch has ended.
func outcome(t *testing.T, pool *pgxpool.Pool, batch string) map[string][2]string {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		var status string
		require.NoError(t, pool.QueryRow(ctx, `SELECT status FROM imslp_batches WHERE id = $1`, batch).Scan(&status))
		return status != "running" && status != "listing"
	}, 20*time.Second, 20*time.Millisecond, "batch %s never ended", batch)
	rows, err := pool.Query(ctx, `SELECT work, state, coalesce(reason, '') FROM imslp_batch_items WHERE batch_id = $1`, batch)
	require.NoError(t, err)
	out := map[string][2]string{}
	var w, st, r string
	_, err = pgx.ForEachRow(rows, []any{&w, &st, &r}, func() error { out[w] = [2]string{st, r}; return nil })
	require.NoError(t, err)
	return out
}

func TestImportBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	fake, err := imslptest.New()
	require.NoError(t, err)
	t.Cleanup(func() { _ = fake.Close() })
	fake.Add(works()...)
	client := newWorker(t, pool, fake)
	u, err := store.EnsureUser(ctx, pool, "importer@example.com")
	require.NoError(t, err)

	// A list: one imported, one not public domain in the US, one unknown; a 429 and a 503
	// on the way are snoozed through.
	fake.Fail(imslptest.Failure{Status: http.StatusTooManyRequests, RetryAfter: "1"}, imslptest.Failure{Status: http.StatusServiceUnavailable, RetryAfter: "1"})
	id, err := imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Works: []string{
		"501", fake.URL + "/wiki/Nocturne_Op.9_No.2_(Chopin,_Fr%C3%A9d%C3%A9ric)", "999"}})
	require.NoError(t, err)
	got := outcome(t, pool, id.String())
	require.Equal(t, "imported", got["501"][0])
	require.Equal(t, "skipped", got["Nocturne Op.9 No.2 (Chopin, Frédéric)"][0])
	require.Contains(t, got["Nocturne Op.9 No.2 (Chopin, Frédéric)"][1], "not public domain in US")
	require.Equal(t, [2]string{"failed", "IMSLP has no such work"}, got["999"])
	var scoresN int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM scores WHERE owner_id = $1 AND source = 'imslp'`, u.ID).Scan(&scoresN))
	require.Equal(t, 1, scoresN)

	// A composer's piano works: the sonata is filtered out; the ballade is a duplicate.
	id, err = imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Composer: "Chopin, Frédéric", Instrumentation: "piano"})
	require.NoError(t, err)
	got = outcome(t, pool, id.String())
	require.Len(t, got, 3)
	require.Equal(t, "duplicate", got["Ballade No.1, Op.23 (Chopin, Frédéric)"][0])
	require.Equal(t, "skipped", got["Cello Sonata, Op.65 (Chopin, Frédéric)"][0])
	require.Contains(t, got["Cello Sonata, Op.65 (Chopin, Frédéric)"][1], "instrumentation")
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM scores WHERE owner_id = $1`, u.ID).Scan(&scoresN))
	require.Equal(t, 1, scoresN, "the same work imported twice is one score")

	// Bad references are refused before anything is written.
	_, err = imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Works: []string{"501", "https://example.com/x"}})
	var bad *imslp.BadRequest
	require.ErrorAs(t, err, &bad)
	var batches int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM imslp_batches`).Scan(&batches))
	require.Equal(t, 2, batches)
}
