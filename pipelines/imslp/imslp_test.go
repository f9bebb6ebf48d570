package imslp_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
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

// newWorker starts a River client working the imslp queue against fake, with an owner's
// window of works (0: the default), and the scores queue is left unworked: imports end at
// the score's first job.
func newWorker(t *testing.T, pool *pgxpool.Pool, fake *imslptest.Server, window int) *river.Client[pgx.Tx] {
	t.Helper()
	logger := dbtest.Logger(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	w := river.NewWorkers()
	limits := pdf.Limits{MaxBytes: 1 << 20, MaxPages: 50, Timeout: 10 * time.Second}
	// The scores pipeline's workers are registered (an import inserts its first job) but its
	// queue is not worked here.
	scores.AddWorkers(w, &scores.Deps{Pool: pool, Blobs: blobs, Logger: logger, Limits: limits, Metadata: metadata.NewLocal()})
	imslp.AddWorkers(w, &imslp.Deps{Pool: pool, Jurisdiction: "us", Logger: logger, Window: window,
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
	client := newWorker(t, pool, fake, 0)
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

// Many works finishing at once on several clients: the last one ends the batch, and a
// filtered composer batch's limit holds exactly.
func TestConcurrentFinishes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	fake, err := imslptest.New()
	require.NoError(t, err)
	t.Cleanup(func() { _ = fake.Close() })
	var ws []*imslptest.Work
	for i := range 40 {
		id := int64(600 + i)
		ws = append(ws, &imslptest.Work{PageID: id, WorkTitle: fmt.Sprintf("Waltz %d", i), Composer: "Strauss, Johann",
			Instrumentation: "Piano", Files: []imslptest.File{{Index: id * 10, Name: "w.pdf", Description: "Complete Score",
				Pages: 1, Copyright: "Public Domain"}}})
	}
	fake.Add(ws...)
	// A window of 6 works an owner: fewer than the 12 imports the clients run at once, so the
	// limited batch's works past its limit are skipped while they wait, without a job.
	client := newWorker(t, pool, fake, 6)
	newWorker(t, pool, fake, 6)
	newWorker(t, pool, fake, 6)
	u, err := store.EnsureUser(ctx, pool, "many@example.com")
	require.NoError(t, err)

	limited, err := imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Composer: "Strauss, Johann", Instrumentation: "piano", Limit: 7})
	require.NoError(t, err)
	got := outcome(t, pool, limited.String())
	states := map[string]int{}
	for w, o := range got {
		states[o[0]]++
		if o[0] == "skipped" {
			require.Equal(t, "the batch's limit of 7 works was reached", o[1], w)
		}
	}
	require.Equal(t, map[string]int{"imported": 7, "skipped": 33}, states)
	var jobs int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'imslp_import_work'`).Scan(&jobs))
	require.Less(t, jobs, 40, "works waiting when the limit was reached got no job")

	refs := make([]string, 40)
	for i := range refs {
		refs[i] = fmt.Sprint(600 + i)
	}
	for range 3 {
		id, err := imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Works: refs})
		require.NoError(t, err)
		got := outcome(t, pool, id.String()) // fails unless the batch ends
		require.Len(t, got, 40)
	}
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM scores WHERE owner_id = $1`, u.ID).Scan(&n))
	require.Equal(t, 40, n, "every work once")
}

// The sweep fails works whose job ended without an outcome, and listings that will never
// list, and ends their batches.
func TestSweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t)})
	require.NoError(t, err)
	u, err := store.EnsureUser(ctx, pool, "sweep@example.com")
	require.NoError(t, err)
	works, err := imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Works: []string{"1", "2"}})
	require.NoError(t, err)
	listing, err := imslp.CreateBatch(ctx, pool, client, u.ID, imslp.Request{Composer: "Nobody, A."})
	require.NoError(t, err)
	sweep := func() int {
		n, err := imslp.Sweep(ctx, pool, client, 0, 2)
		require.NoError(t, err)
		return n
	}

	// Live jobs: nothing is swept.
	require.Zero(t, sweep())

	// Work 1's job was discarded (a crash on its last attempt), work 2's still waits; the
	// listing job was cancelled by an operator.
	_, err = pool.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now()
		WHERE kind = 'imslp_import_work' AND args->>'work' = '1'`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE river_job SET state = 'cancelled', finalized_at = now() WHERE kind = 'imslp_list_composer'`)
	require.NoError(t, err)
	require.Equal(t, 1, sweep())
	b, err := imslp.Status(ctx, pool, imslp.OwnedBy(u.ID), works)
	require.NoError(t, err)
	require.Equal(t, "running", b.Status)
	require.Equal(t, imslp.Counts{Queued: 1, Failed: 1}, b.Counts)
	b, err = imslp.Status(ctx, pool, imslp.OwnedBy(u.ID), listing)
	require.NoError(t, err)
	require.Equal(t, "failed", b.Status)

	// Work 2's job completed without recording an outcome: the batch ends.
	_, err = pool.Exec(ctx, `UPDATE river_job SET state = 'completed', finalized_at = now() WHERE kind = 'imslp_import_work'`)
	require.NoError(t, err)
	require.Equal(t, 1, sweep())
	b, err = imslp.Status(ctx, pool, imslp.OwnedBy(u.ID), works)
	require.NoError(t, err)
	require.Equal(t, "done", b.Status)
	require.Equal(t, imslp.Counts{Failed: 2}, b.Counts)

	// Nobody's batches are reached by the zero Owner.
	_, err = imslp.Status(ctx, pool, imslp.Owner{}, works)
	require.ErrorIs(t, err, imslp.ErrNotFound)
}

// Works get their jobs a window at a time per owner, round-robin across the owner's
// batches; a cancellation and the sweep hand the freed places on, and works waiting
// without a job are never swept.
func TestDispatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t)})
	require.NoError(t, err)
	a, err := store.EnsureUser(ctx, pool, "a@example.com")
	require.NoError(t, err)
	b, err := store.EnsureUser(ctx, pool, "b@example.com")
	require.NoError(t, err)
	// jobs returns the works of owner's batches that have a job not ended, in order.
	jobs := func(owner string) []string {
		rows, err := pool.Query(ctx, `SELECT j.args->>'work' FROM river_job j
			JOIN imslp_batches b ON b.id = (j.args->>'batch_id')::uuid JOIN users u ON u.id = b.owner_id
			WHERE j.kind = 'imslp_import_work' AND j.state NOT IN ('completed', 'cancelled', 'discarded') AND u.email = $1
			ORDER BY j.id`, owner)
		require.NoError(t, err)
		works, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return works
	}
	batch := func(owner *store.User, works ...string) uuid.UUID {
		id, err := imslp.CreateBatch(ctx, pool, client, owner.ID, imslp.Request{Works: works})
		require.NoError(t, err)
		return id
	}

	// A new batch starts StartWindow works, in the order given; a second batch of the same
	// owner waits, another owner's does not.
	a1 := batch(a, "5", "4", "3", "2", "1")
	a2 := batch(a, "11", "12", "13", "14")
	batch(b, "21")
	require.Equal(t, []string{"5", "4"}, jobs("a@example.com"))
	require.Equal(t, []string{"21"}, jobs("b@example.com"))
	st, err := imslp.Status(ctx, pool, imslp.OwnedBy(a.ID), a2)
	require.NoError(t, err)
	require.Equal(t, imslp.Counts{Queued: 4}, st.Counts, "waiting works are queued")

	// The sweep leaves waiting works alone and keeps the window.
	n, err := imslp.Sweep(ctx, pool, client, 0, 2)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, []string{"5", "4"}, jobs("a@example.com"))

	// Cancelling a1 hands its places to a2.
	_, err = imslp.Cancel(ctx, pool, client, imslp.OwnedBy(a.ID), a1)
	require.NoError(t, err)
	// (The cancelled works' jobs stay until they run, and end at once.)
	require.Equal(t, []string{"5", "4", "11", "12"}, jobs("a@example.com"))

	// A wider window (the workers'): a3, never served, goes first, then a2, then a3 again.
	a3 := batch(a, "31", "32")
	require.Len(t, jobs("a@example.com"), 4, "a2's two works fill the owner's StartWindow")
	n, err = imslp.Sweep(ctx, pool, client, 0, 5)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, []string{"31", "13", "32"}, jobs("a@example.com")[4:])

	// Work 11's job is discarded: the sweep fails it and gives its place to 14.
	_, err = pool.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now()
		WHERE kind = 'imslp_import_work' AND args->>'work' = '11'`)
	require.NoError(t, err)
	n, err = imslp.Sweep(ctx, pool, client, 0, 5)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, []string{"5", "4", "12", "31", "13", "32", "14"}, jobs("a@example.com"))
	st, err = imslp.Status(ctx, pool, imslp.OwnedBy(a.ID), a2)
	require.NoError(t, err)
	require.Equal(t, imslp.Counts{Queued: 3, Failed: 1}, st.Counts)
	st, err = imslp.Status(ctx, pool, imslp.OwnedBy(a.ID), a3)
	require.NoError(t, err)
	require.Equal(t, imslp.Counts{Queued: 2}, st.Counts)
	require.Equal(t, []string{"21"}, jobs("b@example.com"), "another owner's window is its own")
}

func TestWindowFor(t *testing.T) {
	t.Parallel()
	// One more than the turns the limiter lets a caller wait for (2 s, at least 2 turns).
	for rate, want := range map[float64]int{0: 100, 0.5: 3, 1: 3, 5: 11, 1000: 100} {
		require.Equal(t, want, imslp.WindowFor(rate), "rate %g", rate)
	}
}
