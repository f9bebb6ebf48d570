package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/scores"
	"github.com/mirubato/mirubato/workers"
)

// TestScoresResumeAfterWorkerKilled kills (SIGKILL) a `mirubato worker` process in the
// middle of the scores pipeline, then starts another, with the production defaults of
// every timeout that decides when a dead worker's jobs run again (RIVER_JOB_TIMEOUT,
// RIVER_RESCUE_STUCK_AFTER, PDF_TOOL_TIMEOUT, River's rescuer and leader election): the
// jobs the dead worker held run again within two minutes of its death, and the score is
// ready with every page exactly once.
func TestScoresResumeAfterWorkerKilled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Page images at 200 dpi take long enough (about a second a page) that the worker is
	// caught holding render jobs however fast the machine.
	environ, pool := migrated(t, fakeIMSLP(t), "PAGE_IMAGE_DPI=200")
	for _, kv := range environ {
		for _, name := range []string{"RIVER_JOB_TIMEOUT", "RIVER_RESCUE_STUCK_AFTER", "PDF_TOOL_TIMEOUT"} {
			require.False(t, strings.HasPrefix(kv, name+"="), "%s is left at its default", name)
		}
	}
	var blobDir string
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "BLOB_DIR="); ok {
			blobDir = v
		}
	}
	blobs, err := blob.NewFS(blobDir)
	require.NoError(t, err)
	owner, err := store.EnsureUser(ctx, pool, "rescue@example.com")
	require.NoError(t, err)
	inserter, err := workers.NewInsertOnly(pool, dbtest.Logger(t), 0)
	require.NoError(t, err)
	const pages = 24 // three render jobs of 8 pages, then three text jobs
	lines := make([][]string, pages)
	for i := range lines {
		lines[i] = []string{fmt.Sprintf("page %d", i+1), "Allegro con brio"}
	}
	in := &scores.Intake{Pool: pool, Blobs: blobs, Limits: pdf.Limits{MaxBytes: 1 << 20, MaxPages: 100}, Logger: dbtest.Logger(t)}

	victim := startWorker(t, environ, "w1")
	sc, _, err := in.Accept(ctx, inserter, scores.Upload{OwnerID: owner.ID, Filename: "rescue.pdf", Source: "upload",
		Data: pdftest.Build(pdftest.Doc{Pages: lines})})
	require.NoError(t, err)

	// Freeze the worker (SIGSTOP) once it holds page jobs (render or text: the longest of
	// the pipeline), so that what it holds cannot change before it dies; statements in
	// flight finish first.
	held := func(kinds ...string) []int64 {
		rows, err := pool.Query(ctx, `SELECT id FROM river_job WHERE kind = ANY($2) AND state = 'running'
			AND attempted_by[array_length(attempted_by, 1)] = $1`, victim.id, kinds)
		require.NoError(t, err)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		return ids
	}
	pageJobs := []string{"score_render", "score_text"}
	var ids []int64
	require.Eventually(t, func() bool {
		if len(held(pageJobs...)) == 0 {
			return false
		}
		require.NoError(t, victim.cmd.Process.Signal(syscall.SIGSTOP))
		time.Sleep(100 * time.Millisecond)
		if len(held(pageJobs...)) > 0 {
			ids = held("score_fetch", "score_split", "score_render", "score_text", "score_metadata", "score_index")
			return true
		}
		require.NoError(t, victim.cmd.Process.Signal(syscall.SIGCONT))
		return false
	}, 90*time.Second, 5*time.Millisecond, "the worker was never seen running a page job")
	require.NoError(t, victim.cmd.Process.Kill())
	_ = victim.cmd.Wait()
	var killedAt time.Time
	require.NoError(t, pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&killedAt))
	var kinds []string
	require.NoError(t, pool.QueryRow(ctx, `SELECT array_agg(kind ORDER BY id) FROM river_job WHERE id = ANY($1)`, ids).Scan(&kinds))
	t.Logf("killed w1 holding jobs %v (%v)", ids, kinds)

	startWorker(t, environ, "w2")
	var resumed time.Duration
	require.Eventually(t, func() bool {
		var again int
		var last *time.Time
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), max(attempted_at) FROM river_job
			WHERE id = ANY($1) AND attempt >= 2 AND attempted_by[array_length(attempted_by, 1)] = 'w2'`, ids).Scan(&again, &last))
		if again < len(ids) {
			return false
		}
		resumed = last.Sub(killedAt)
		return true
	}, 3*time.Minute, 200*time.Millisecond, "the dead worker's jobs never ran again")
	t.Logf("the dead worker's jobs ran again %s after it died", resumed.Round(time.Millisecond))
	require.Less(t, resumed, 2*time.Minute, "the scores pipeline resumes within two minutes of a worker's death")

	var status string
	require.Eventually(t, func() bool {
		require.NoError(t, pool.QueryRow(ctx, `SELECT status FROM scores WHERE id = $1`, sc.ID).Scan(&status))
		return status != store.ScoreProcessing
	}, time.Minute, 100*time.Millisecond)
	require.Equal(t, store.ScoreReady, status)
	var rows, done int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE png_key IS NOT NULL AND text LIKE 'page %')
		FROM score_pages WHERE score_id = $1`, sc.ID).Scan(&rows, &done))
	require.Equal(t, []int{pages, pages}, []int{rows, done}, "every page once, rendered and read")
	images, err := filepath.Glob(filepath.Join(blobDir, "scores", sc.ID.String(), "pages", "*.png"))
	require.NoError(t, err)
	require.Len(t, images, pages)
	_, err = os.Stat(filepath.Join(blobDir, "scores", sc.ID.String(), "thumbnail.png"))
	require.NoError(t, err)
}
