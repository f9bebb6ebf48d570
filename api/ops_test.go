package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
)

type pipelinesBody struct {
	Queues   []store.QueueActivity `json:"queues"`
	Failures []store.FailedJob     `json:"failures"`
	Imports  []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"imports"`
	RiverUI string `json:"river_ui"`
}

// TestPipelines: the operators' page counts each queue's jobs by what they are doing, lists
// recent failures with their reasons, and retries one; only admins see it.
func TestPipelines(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{opsUser: "operator", opsPassword: "correct horse battery"})
	ctx := context.Background()
	admin, adminTok := b.user(t, "admin@example.com")
	require.NoError(t, store.SetRole(ctx, b.pool, admin.ID, store.RoleAdmin))
	_, userTok := b.user(t, "musician@example.com")

	// Jobs in every state that counts, on the analytics queue (no worker runs here).
	insert := func() int64 {
		res, err := b.river.Insert(ctx, parkedArgs{}, &river.InsertOpts{Queue: queues.Analytics})
		require.NoError(t, err)
		return res.Job.ID
	}
	waiting := insert()
	_, err := b.pool.Exec(ctx, `UPDATE river_job SET scheduled_at = now() - interval '2 minutes' WHERE id = $1`, waiting)
	require.NoError(t, err)
	done := insert()
	_, err = b.pool.Exec(ctx, `UPDATE river_job SET state = 'completed', attempt = 1, attempted_at = now(), finalized_at = now() WHERE id = $1`, done)
	require.NoError(t, err)
	oldDone := insert() // completed two hours ago: out of the hour
	_, err = b.pool.Exec(ctx, `UPDATE river_job SET state = 'completed', attempt = 1, attempted_at = now() - interval '2 hours',
		finalized_at = now() - interval '2 hours' WHERE id = $1`, oldDone)
	require.NoError(t, err)
	failure := func(at time.Duration, msg string) string {
		return fmt.Sprintf(`{"at": %q, "attempt": 1, "error": %q, "trace": ""}`, time.Now().Add(-at).UTC().Format(time.RFC3339Nano), msg)
	}
	retrying := insert()
	_, err = b.pool.Exec(ctx, `UPDATE river_job SET state = 'retryable', attempt = 2, attempted_at = now() - interval '1 minute',
		scheduled_at = now() + interval '5 minutes', errors = ARRAY[$2::jsonb, $3::jsonb] WHERE id = $1`,
		retrying, failure(3*time.Minute, "first try failed"), failure(time.Minute, "renderer timed out"))
	require.NoError(t, err)
	discarded := insert()
	_, err = b.pool.Exec(ctx, `UPDATE river_job SET state = 'discarded', attempt = 3, max_attempts = 3, attempted_at = now() - interval '30 seconds',
		finalized_at = now() - interval '30 seconds', errors = ARRAY[$2::jsonb] WHERE id = $1`,
		discarded, failure(30*time.Second, "page 3 is not a PDF page"))
	require.NoError(t, err)
	// An IMSLP import of the musician's (no worker: it stays running).
	resp, data := b.call(t, "POST", "/api/import/imslp", userTok, map[string]any{"work": "701"}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	batchID := decodeAs[struct {
		ID string `json:"id"`
	}](t, data).ID

	t.Run("OnlyAdmins", func(t *testing.T) {
		resp, data := b.call(t, "GET", "/api/ops/pipelines", userTok, nil, nil)
		requireError(t, resp, data, http.StatusForbidden, "forbidden")
		resp, data = b.call(t, "GET", "/api/ops/pipelines", "", nil, nil)
		requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
		require.Empty(t, resp.Header.Get("WWW-Authenticate"), "no password prompt over the web client")
		resp, data = b.call(t, "POST", fmt.Sprintf("/api/ops/jobs/%d/retry", discarded), userTok, nil, nil)
		requireError(t, resp, data, http.StatusForbidden, "forbidden")
	})

	t.Run("Page", func(t *testing.T) {
		resp, data := b.call(t, "GET", "/api/ops/pipelines", adminTok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		page := decodeAs[pipelinesBody](t, data)
		names := make([]string, 0, len(page.Queues))
		for _, q := range page.Queues {
			names = append(names, q.Queue)
		}
		require.Equal(t, queues.All(), names[:len(queues.All())], "every known queue, in order, even without jobs")
		i := slices.Index(names, queues.Analytics)
		q := page.Queues[i]
		require.EqualValues(t, 1, q.Available)
		require.EqualValues(t, 1, q.Waiting, "the retrying job")
		require.InDelta(t, 120, q.OldestAgeSeconds, 30)
		require.EqualValues(t, 1, q.CompletedLastHour, "the job completed two hours ago is out of the hour")
		require.EqualValues(t, 3, q.FailedLastHour, "every failed attempt in the hour")
		require.EqualValues(t, 1, q.DiscardedLastHour)
		scores := page.Queues[slices.Index(names, queues.Scores)]
		require.Zero(t, scores.Available+scores.CompletedLastHour+scores.FailedLastHour)

		require.Len(t, page.Failures, 2)
		require.Equal(t, discarded, page.Failures[0].ID, "newest failure first")
		require.Equal(t, "page 3 is not a PDF page", page.Failures[0].Error)
		require.Equal(t, "discarded", page.Failures[0].State)
		require.Nil(t, page.Failures[0].NextAttemptAt)
		require.Equal(t, retrying, page.Failures[1].ID)
		require.Equal(t, "renderer timed out", page.Failures[1].Error, "the last attempt's reason")
		require.NotNil(t, page.Failures[1].NextAttemptAt)

		require.Len(t, page.Imports, 1, "every user's imports")
		require.Equal(t, batchID, page.Imports[0].ID)
		require.Equal(t, "/ops/river/", page.RiverUI)
	})

	t.Run("Retry", func(t *testing.T) {
		for path, want := range map[string]int{
			fmt.Sprintf("/api/ops/jobs/%d/retry", waiting): http.StatusConflict,
			fmt.Sprintf("/api/ops/jobs/%d/retry", done):    http.StatusConflict,
			"/api/ops/jobs/999999999/retry":                http.StatusNotFound,
			"/api/ops/jobs/abc/retry":                      http.StatusBadRequest,
		} {
			resp, data := b.call(t, "POST", path, adminTok, nil, nil)
			require.Equal(t, want, resp.StatusCode, "%s: %s", path, data)
		}
		// An admin's browser (cookie) must send X-Requested-With to write.
		cookie := http.Header{"Cookie": {"mirubato_access=" + adminTok}}
		resp, data := b.do(t, "POST", fmt.Sprintf("/api/ops/jobs/%d/retry", discarded), nil, cookie)
		requireError(t, resp, data, http.StatusForbidden, "forbidden")
		cookie.Set("X-Requested-With", "fetch")
		resp, data = b.do(t, "POST", fmt.Sprintf("/api/ops/jobs/%d/retry", discarded), nil, cookie)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, "available", decodeAs[struct {
			State string `json:"state"`
		}](t, data).State)

		// Operator credentials too; their writes need the header (browsers resend them anywhere).
		basicAuth := http.Header{"Authorization": {basic("operator", "correct horse battery")}}
		resp, data = b.do(t, "POST", fmt.Sprintf("/api/ops/jobs/%d/retry", retrying), nil, basicAuth)
		requireError(t, resp, data, http.StatusForbidden, "forbidden")
		resp, data = b.do(t, "GET", "/api/ops/pipelines", nil, basicAuth)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))

		resp, data = b.call(t, "GET", "/api/ops/pipelines", adminTok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		page := decodeAs[pipelinesBody](t, data)
		require.Len(t, page.Failures, 1, "the retried job is no longer failed")
		require.Equal(t, retrying, page.Failures[0].ID)
	})
}
