package imslp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/imslp/imslptest"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
)

// studies returns n public-domain one-page works, page ids from first, and their references.
func studies(first int64, n int) ([]*imslptest.Work, []string) {
	ws := make([]*imslptest.Work, n)
	refs := make([]string, n)
	for i := range ws {
		id := first + int64(i)
		ws[i] = &imslptest.Work{PageID: id, WorkTitle: fmt.Sprintf("Study No.%d", id), Composer: "Czerny, Carl",
			Instrumentation: "Piano", Files: []imslptest.File{{Index: id * 10, Name: "study.pdf",
				Description: "Complete Score", Pages: 1, Copyright: "Public Domain"}}}
		refs[i] = fmt.Sprint(id)
	}
	return ws, refs
}

// TestFairAcrossOwners: user A has four batches of 100 works under way on two worker
// clients when user B asks for five works. B's works are imported while most of A's still
// wait (one FIFO queue would put them behind all 400), every one of A's batches moves on,
// and no more than the window of A's works has a job at once.
func TestFairAcrossOwners(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	fake, err := imslptest.New()
	require.NoError(t, err)
	t.Cleanup(func() { _ = fake.Close() })
	fake.SetLatency(5 * time.Millisecond)
	const batches, perBatch, window = 4, 100, 8
	aWorks, aRefs := studies(10001, batches*perBatch)
	bWorks, bRefs := studies(20001, 5)
	fake.Add(append(aWorks, bWorks...)...)
	// Two clients of 4 imports each: A's window fills every slot.
	client := newWorker(t, pool, fake, window)
	newWorker(t, pool, fake, window)
	a, err := store.EnsureUser(ctx, pool, "a@example.com")
	require.NoError(t, err)
	b, err := store.EnsureUser(ctx, pool, "b@example.com")
	require.NoError(t, err)

	aBatches := make([]uuid.UUID, batches)
	for i := range aBatches {
		aBatches[i], err = imslp.CreateBatch(ctx, pool, client, a.ID, imslp.Request{Works: aRefs[i*perBatch : (i+1)*perBatch]})
		require.NoError(t, err)
	}
	finished := func(owner uuid.UUID) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM imslp_batch_items i JOIN imslp_batches b ON b.id = i.batch_id
			WHERE b.owner_id = $1 AND i.state <> 'queued'`, owner).Scan(&n))
		return n
	}
	// A's works with a job, at most window at any time.
	aUnderWay := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM imslp_batch_items
			WHERE batch_id = ANY($1) AND state = 'queued' AND dispatched_at IS NOT NULL`, aBatches).Scan(&n))
		return n
	}
	// A's jobs that River has not finalised: a work's job is marked completed a little after
	// its outcome is recorded (River completes jobs in batches), so there can be more of
	// them than works under way.
	aJobs := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'imslp_import_work'
			AND state NOT IN ('completed', 'cancelled', 'discarded') AND (args->>'batch_id')::uuid = ANY($1)`, aBatches).Scan(&n))
		return n
	}
	require.Eventually(t, func() bool { return finished(a.ID) >= 10 }, 30*time.Second, 5*time.Millisecond, "A's imports never started")

	bBatch, err := imslp.CreateBatch(ctx, pool, client, b.ID, imslp.Request{Works: bRefs})
	require.NoError(t, err)
	mostUnderWay, mostJobs := 0, 0
	var bDone *imslp.Batch
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "B's batch never ended")
		mostUnderWay, mostJobs = max(mostUnderWay, aUnderWay()), max(mostJobs, aJobs())
		if bDone, err = imslp.Status(ctx, pool, imslp.OwnedBy(b.ID), bBatch); err == nil && bDone.Ended() {
			break
		}
		require.NoError(t, err)
	}
	aFinished := finished(a.ID)
	t.Logf("B's 5 works were done when A had %d of %d done; A had at most %d works under way, %d jobs not finalised",
		aFinished, batches*perBatch, mostUnderWay, mostJobs)
	require.Equal(t, imslp.Counts{Imported: 5}, bDone.Counts)
	require.Less(t, aFinished, batches*perBatch/4, "B's works waited behind A's backlog")
	for _, id := range aBatches {
		st, err := imslp.Status(ctx, pool, imslp.OwnedBy(a.ID), id)
		require.NoError(t, err)
		require.Positive(t, st.Counts.Finished(), "each of A's batches takes its turns")
	}
	require.LessOrEqual(t, mostUnderWay, window)
	require.Less(t, mostJobs, 3*window, "A's works wait without a job")

	// A cancels three batches: the fourth gets the window and is imported whole, each work once.
	for _, id := range aBatches[:3] {
		_, err := imslp.Cancel(ctx, pool, client, imslp.OwnedBy(a.ID), id)
		require.NoError(t, err)
	}
	got := outcome(t, pool, aBatches[3].String())
	require.Len(t, got, perBatch)
	for w, o := range got {
		require.Equal(t, "imported", o[0], w)
	}
	var imported, scores int
	require.NoError(t, pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM imslp_batch_items WHERE state = 'imported'),
		(SELECT count(*) FROM scores WHERE source = 'imslp')`).Scan(&imported, &scores))
	require.Equal(t, imported, scores, "every work imported once")
	require.Eventually(t, func() bool { return aJobs() == 0 }, 10*time.Second, 10*time.Millisecond, "A's cancelled works' jobs never ended")
}
