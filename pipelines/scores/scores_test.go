package scores_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// The test binary is also the worker process that TestKilledDuringSplit kills: these name
// its database and blob directory.
const (
	childDBEnv   = "MIRUBATO_TEST_SCORES_WORKER_DB"
	childBlobEnv = "MIRUBATO_TEST_SCORES_WORKER_BLOBS"
)

func TestMain(m *testing.M) {
	if dbURL := os.Getenv(childDBEnv); dbURL != "" {
		runChildWorker(dbURL, os.Getenv(childBlobEnv)) // until killed
	}
	dbtest.Main(m)
}

var limits = pdf.Limits{MaxBytes: 64 << 20, MaxPages: 2000, Timeout: time.Minute}

func deps(pool *pgxpool.Pool, blobs blob.Store, logger *slog.Logger) *scores.Deps {
	return &scores.Deps{Pool: pool, Blobs: blobs, Logger: logger, Limits: limits, DPI: 30,
		Tools: pdf.Tools{Timeout: 30 * time.Second}, Metadata: metadata.NewLocal()}
}

func startClient(ctx context.Context, pool *pgxpool.Pool, d *scores.Deps, rescueAfter time.Duration) (*river.Client[pgx.Tx], error) {
	w := river.NewWorkers()
	scores.AddWorkers(w, d)
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: d.Logger, Workers: w,
		Queues:        map[string]river.QueueConfig{queues.Scores: {MaxWorkers: 2}},
		FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond,
		JobTimeout: rescueAfter, RescueStuckJobsAfter: rescueAfter})
	if err != nil {
		return nil, err
	}
	return c, c.Start(ctx)
}

func runChildWorker(dbURL, blobDir string) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		panic(err)
	}
	blobs, err := blob.NewFS(blobDir)
	if err != nil {
		panic(err)
	}
	// A slow disk: the split takes long enough (200 pages, 5 ms each) for the parent to
	// kill this process in the middle of it, however fast the machine.
	if _, err := startClient(ctx, pool, deps(pool, slowStore{blobs}, slog.New(slog.DiscardHandler)), time.Hour); err != nil {
		panic(err)
	}
	select {}
}

// slowStore is a blob store whose writes take 5 ms.
type slowStore struct{ blob.Store }

func (s slowStore) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	time.Sleep(5 * time.Millisecond)
	return s.Store.Put(ctx, key, r, limit)
}

// bigScore is a PDF of n pages with their numbers as text.
func bigScore(n int) []byte {
	pages := make([][]string, n)
	for i := range pages {
		pages[i] = []string{fmt.Sprintf("page %d", i+1), "Allegro con brio", "a few more lines of text on it"}
	}
	return pdftest.Build(pdftest.Doc{Pages: pages, Info: map[string]string{"Title": "Big", "Composer": "Beethoven"}})
}

func accept(t *testing.T, pool *pgxpool.Pool, blobs blob.Store, data []byte) *store.Score {
	t.Helper()
	ctx := context.Background()
	owner, err := store.EnsureUser(ctx, pool, uuid.NewString()+"@example.com")
	require.NoError(t, err)
	ins, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t)})
	require.NoError(t, err)
	in := &scores.Intake{Pool: pool, Blobs: blobs, Limits: limits, Logger: dbtest.Logger(t)}
	sc, _, err := in.Accept(ctx, ins, scores.Upload{OwnerID: owner.ID, Filename: "big.pdf", Data: data, Source: "upload"})
	require.NoError(t, err)
	return sc
}

func waitStatus(t *testing.T, pool *pgxpool.Pool, id uuid.UUID, status string, within time.Duration) *store.Score {
	t.Helper()
	var sc *store.Score
	require.Eventually(t, func() bool {
		var err error
		sc, err = store.ScoreByID(context.Background(), pool, id)
		return err == nil && sc.Status == status
	}, within, 50*time.Millisecond, "score never became %s", status)
	return sc
}

// TestKilledDuringSplit kills (SIGKILL) a worker process while it splits a score: after a
// surviving worker rescues the job, the score is ready with every page exactly once.
func TestKilledDuringSplit(t *testing.T) {
	t.Parallel()
	pool, dbURL := dbtest.NewDatabase(t)
	dir := t.TempDir()
	blobs, err := blob.NewFS(dir)
	require.NoError(t, err)
	ctx := context.Background()
	const pages = 200
	sc := accept(t, pool, blobs, bigScore(pages))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDBEnv+"="+dbURL, childBlobEnv+"="+dir)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var split int
	require.Eventually(t, func() bool {
		_ = pool.QueryRow(ctx, `SELECT count(*) FROM score_pages WHERE score_id = $1`, sc.ID).Scan(&split)
		return split > 0
	}, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM score_pages WHERE score_id = $1`, sc.ID).Scan(&split))
	require.Less(t, split, pages, "killed in the middle of splitting")
	t.Logf("killed after %d of %d pages", split, pages)

	// Rescued after 10 s instead of RIVER_RESCUE_STUCK_AFTER's 75 s; the job timeout (no
	// longer than that) still leaves a slow -race run time to split.
	c, err := startClient(ctx, pool, deps(pool, blobs, dbtest.Logger(t)), 10*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })
	t.Cleanup(func() {
		if t.Failed() {
			rows, _ := pool.Query(ctx, `SELECT kind, state, attempt, errors::text FROM river_job ORDER BY id`)
			for rows.Next() {
				var kind, state string
				var attempt int
				var errs *string // the errors of each attempt
				_ = rows.Scan(&kind, &state, &attempt, &errs)
				t.Logf("job %s %s attempt %d errors %v", kind, state, attempt, errs)
			}
		}
	})
	waitStatus(t, pool, sc.ID, store.ScoreReady, 2*time.Minute)

	var rows, distinct, lo, hi int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT n), min(n), max(n) FROM score_pages
		WHERE score_id = $1 AND png_key IS NOT NULL AND text IS NOT NULL`, sc.ID).Scan(&rows, &distinct, &lo, &hi))
	require.Equal(t, []int{pages, pages, 1, pages}, []int{rows, distinct, lo, hi}, "every page once, rendered and read")
	files, err := filepath.Glob(filepath.Join(dir, "scores", sc.ID.String(), "pages", "*.pdf"))
	require.NoError(t, err)
	require.Len(t, files, pages, "one file per page: no leftovers of the killed attempt")
	var attempts int
	require.NoError(t, pool.QueryRow(ctx, `SELECT attempt FROM river_job WHERE kind = 'score_split' AND args->>'score_id' = $1`,
		sc.ID.String()).Scan(&attempts))
	require.GreaterOrEqual(t, attempts, 2, "split by the killed process, then again after the rescue")
}

// TestPagesInBoundedJobs: a render or text job starts no page past its budget and hands the
// rest to a job of the same step in its place, so each job stays short (and so does River's
// wait before it rescues one from a dead worker); the score is processed all the same, each
// page once, and the steps count their batches as before.
func TestPagesInBoundedJobs(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	ctx := context.Background()
	const pages = 11 // render: 3 batches (4, 4, 3 pages); text: 6 (2 pages each, 1 for the last)
	sc := accept(t, pool, blobs, bigScore(pages))
	d := deps(pool, blobs, dbtest.Logger(t))
	d.PageBudget = time.Nanosecond // one page a job
	c, err := startClient(ctx, pool, d, time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })
	ready := waitStatus(t, pool, sc.ID, store.ScoreReady, time.Minute)

	for _, kind := range []string{"score_render", "score_text"} {
		var jobs, completed, firstPages int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE state = 'completed'),
			count(DISTINCT (args->>'from')::int) FROM river_job WHERE kind = $1`, kind).Scan(&jobs, &completed, &firstPages))
		require.Equal(t, []int{pages, pages, pages}, []int{jobs, completed, firstPages}, "%s: a job per page", kind)
	}
	var rows, done int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE png_key IS NOT NULL AND text LIKE 'page %')
		FROM score_pages WHERE score_id = $1`, sc.ID).Scan(&rows, &done))
	require.Equal(t, []int{pages, pages}, []int{rows, done})
	run, err := store.GetRun(ctx, pool, *ready.RunID)
	require.NoError(t, err)
	for step, n := range map[string]int{scores.StepRender: 3, scores.StepText: 6} {
		require.Equal(t, []int{n, n}, []int{run.Steps[step].Done, run.Steps[step].Total}, "%s counts its batches", step)
	}
}

// TestStepThatCannotSucceed: a score whose file is gone fails at once, with a reason a
// person understands, and its pipeline records where.
func TestStepThatCannotSucceed(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	ctx := context.Background()
	sc := accept(t, pool, blobs, bigScore(2))
	require.NoError(t, blobs.Delete(ctx, sc.BlobKey))

	c, err := startClient(ctx, pool, deps(pool, blobs, dbtest.Logger(t)), time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })
	failed := waitStatus(t, pool, sc.ID, store.ScoreFailed, 30*time.Second)
	require.Equal(t, "the uploaded file is missing from storage; upload it again", *failed.Failure)
	run, err := store.GetRun(ctx, pool, *failed.RunID)
	require.NoError(t, err)
	require.Equal(t, store.RunFailed, run.State)
	require.Equal(t, scores.StepSplit, run.Step)
	require.Equal(t, *failed.Failure, run.Steps[scores.StepSplit].Error)
	require.Eventually(t, func() bool {
		var state string
		_ = pool.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'score_split'`).Scan(&state)
		return state == "cancelled"
	}, 10*time.Second, 20*time.Millisecond, "not retried: it cannot succeed")
}

// TestMetadataFromOpenAI: the metadata step asks an OpenAI-compatible service; a 429 with
// Retry-After snoozes the job (not counted as a failure) and the next answer is used.
func TestMetadataFromOpenAI(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	ctx := context.Background()
	fake := aitest.New(t, "k",
		aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1"},
		aitest.Reply{Status: http.StatusOK, Content: `{"title":{"value":"Für Elise","confidence":0.97},
			"opus":{"value":"WoO 59","confidence":0.95},"difficulty":{"value":4,"confidence":0.7}}`})
	d := deps(pool, blobs, dbtest.Logger(t))
	d.Metadata = metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k"}, "m")
	d.Fallback = metadata.NewLocal()
	sc := accept(t, pool, blobs, bigScore(1))
	c, err := startClient(ctx, pool, d, time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })

	ready := waitStatus(t, pool, sc.ID, store.ScoreReady, 30*time.Second)
	require.Equal(t, "Für Elise", ready.Title)
	require.Equal(t, "WoO 59", ready.Opus)
	require.Equal(t, 4, *ready.Difficulty)
	require.Equal(t, metadata.SourceAI, ready.Extracted["title"].Source)
	require.Equal(t, "Ludwig van Beethoven", ready.Composer, "what the model left out comes from the rule-based extractor")
	require.Len(t, fake.Requests(), 2, "asked again after the Retry-After")
	var errs int
	require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(cardinality(errors), 0) FROM river_job WHERE kind = 'score_metadata'`).Scan(&errs))
	require.Zero(t, errs, "a snooze is not an error")
}

// TestMetadataFallback: when the service keeps failing, the score still becomes ready with
// what the local provider finds.
func TestMetadataFallback(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	ctx := context.Background()
	fake := aitest.New(t, "k", aitest.Reply{Status: http.StatusOK, Content: `not json at all`})
	d := deps(pool, blobs, dbtest.Logger(t))
	d.Metadata = metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k"}, "m")
	d.Fallback = metadata.NewLocal()
	sc := accept(t, pool, blobs, bigScore(1))
	// Retries come after River's backoff (1 s, then 16 s): start the job's later attempts now.
	c, err := startClient(ctx, pool, d, time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })
	require.Eventually(t, func() bool {
		_, _ = pool.Exec(ctx, `UPDATE river_job SET scheduled_at = now() WHERE state = 'retryable'`)
		s, err := store.ScoreByID(ctx, pool, sc.ID)
		return err == nil && s.Status == store.ScoreReady
	}, 60*time.Second, 100*time.Millisecond)
	ready, err := store.ScoreByID(ctx, pool, sc.ID)
	require.NoError(t, err)
	require.Equal(t, "Big", ready.Title)
	require.Equal(t, metadata.SourceInfoDict, ready.Extracted["title"].Source)
	require.Len(t, fake.Requests(), 3, "three attempts, then the fallback")
}

// TestPipelineOnS3: the whole pipeline with its files in an S3-compatible bucket (a server
// in this process, over HTTP on loopback), deletion included.
func TestPipelineOnS3(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	require.NoError(t, backend.CreateBucket("mirubato"))
	ctx := context.Background()
	blobs, err := blob.NewS3(ctx, blob.S3Config{Endpoint: srv.URL, Region: "us-east-1", Bucket: "mirubato",
		AccessKey: "k", SecretKey: "s", PathStyle: true})
	require.NoError(t, err)
	sc := accept(t, pool, blobs, bigScore(3))
	c, err := startClient(ctx, pool, deps(pool, blobs, dbtest.Logger(t)), time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Stop(ctx)) })
	ready := waitStatus(t, pool, sc.ID, store.ScoreReady, 30*time.Second)
	require.Equal(t, "Big", ready.Title)
	objects := func() int {
		list, err := backend.ListBucket("mirubato", &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
		require.NoError(t, err)
		return len(list.Contents)
	}
	require.Equal(t, 1+3+3+1, objects(), "original, page PDFs, page images, thumbnail")

	ins, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: dbtest.Logger(t)})
	require.NoError(t, err)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		return scores.Delete(ctx, tx, ins, ready.OwnerID, ready.ID, nil)
	}))
	require.Eventually(t, func() bool { return objects() == 0 }, 20*time.Second, 50*time.Millisecond)
}

// TestSweepStalled: a score whose last job River discarded without our code seeing it (a
// worker that died on the last attempt) is marked failed by the sweep, once its run has
// been quiet for a while; a score with a job still to run is left alone.
func TestSweepStalled(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	ctx := context.Background()
	stalled := accept(t, pool, blobs, bigScore(1))
	waiting := accept(t, pool, blobs, bigScore(1))
	_, err = pool.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now() WHERE args->>'score_id' = $1`, stalled.ID.String())
	require.NoError(t, err)

	n, err := scores.SweepStalled(ctx, pool, time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "not quiet for long enough yet")
	_, err = pool.Exec(ctx, `UPDATE pipeline_runs SET updated_at = now() - interval '10 minutes'`)
	require.NoError(t, err)
	n, err = scores.SweepStalled(ctx, pool, time.Minute)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	failed, err := store.ScoreByID(ctx, pool, stalled.ID)
	require.NoError(t, err)
	require.Equal(t, store.ScoreFailed, failed.Status)
	require.Equal(t, "processing stopped unexpectedly; reprocess the score to try again", *failed.Failure)
	still, err := store.ScoreByID(ctx, pool, waiting.ID)
	require.NoError(t, err)
	require.Equal(t, store.ScoreProcessing, still.Status, "its split job is still available")
}
