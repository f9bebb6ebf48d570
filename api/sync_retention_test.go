package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/housekeeping"
)

// hello opens a socket and says HELLO, without reading the answer.
func hello(t *testing.T, b *testBundle, tok, deviceID string, cursor int64) *device {
	t.Helper()
	d := dial(t, b, tok)
	d.send(t, map[string]any{"type": "HELLO", "device_id": deviceID, "cursor": cursor})
	return d
}

// TestSyncRetention: changes past the retention are pruned by the job; a device whose cursor
// lacks some of them is told to read its account again (ERROR resync_required and close 4004
// on the socket, 410 on pull) and restarts from the export's cursor; a device within what is
// kept catches up as before.
func TestSyncRetention(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	ctx := context.Background()
	user, tok := b.user(t, "retained@example.com")
	var ids []string
	for _, notes := range []string{"one", "two", "three", "four", "five"} {
		resp, data := b.call(t, "POST", "/api/logbook/entries", tok, logbookBody(notes), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		ids = append(ids, decodeAs[store.LogbookEntry](t, data).ID.String())
	}
	resp, _ := b.call(t, "DELETE", "/api/logbook/entries/"+ids[1], tok, nil, nil) // change 6
	require.Equal(t, http.StatusNoContent, resp.StatusCode)

	// Changes 1–3 are older than the retention, 4–6 are not.
	_, err := b.pool.Exec(ctx, `UPDATE sync_changes SET created_at = now() - interval '100 days' WHERE user_id = $1 AND seq <= 3`, user.ID)
	require.NoError(t, err)
	w := housekeeping.NewSyncPruneWorker(b.pool, dbtest.Logger(t), 90*24*time.Hour, nil)
	require.NoError(t, w.Work(ctx, &river.Job[housekeeping.SyncPruneArgs]{}))
	var kept []int64
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT array_agg(seq ORDER BY seq) FROM sync_changes WHERE user_id = $1`, user.ID).Scan(&kept))
	require.Equal(t, []int64{4, 5, 6}, kept, "the old changes went, the newer stayed")

	t.Run("SocketWithPrunedCursor", func(t *testing.T) {
		for _, cursor := range []int64{0, 2} {
			d := hello(t, b, tok, "old-phone", cursor)
			m := d.next(t)
			require.Equal(t, "ERROR", m.Type, "no WELCOME: %+v", m)
			require.Equal(t, "resync_required", m.Code)
			_, _, err := d.ws.ReadMessage()
			var ce *websocket.CloseError
			require.ErrorAs(t, err, &ce, "nothing more is sent")
			require.Equal(t, 4004, ce.Code)
		}
	})

	t.Run("PullWithPrunedCursor", func(t *testing.T) {
		for _, since := range []string{"0", "2"} {
			resp, data := b.call(t, "GET", "/api/sync/pull?since="+since, tok, nil, nil)
			requireError(t, resp, data, http.StatusGone, "resync_required")
		}
	})

	t.Run("CursorWithinRetention", func(t *testing.T) {
		d, caught := connect(t, b, tok, "recent-phone", 3)
		require.Len(t, caught, 3)
		require.Equal(t, []int64{4, 5, 6}, []int64{caught[0].Seq, caught[1].Seq, caught[2].Seq})
		require.Equal(t, "delete", caught[2].Op)
		d.quiet(t)
		resp, data := b.call(t, "GET", "/api/sync/pull?since=3", tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Len(t, decodeAs[struct {
			Changes []store.Change `json:"changes"`
		}](t, data).Changes, 3)
	})

	t.Run("RestartFromTheExport", func(t *testing.T) {
		resp, data := b.call(t, "GET", "/api/export", tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		ex := decodeAs[store.Export](t, data)
		require.Equal(t, int64(6), ex.SyncCursor, "the state after change 6")
		require.Len(t, ex.Logbook, 4, "the current rows: the deleted entry is not among them")
		d, caught := connect(t, b, tok, "old-phone", ex.SyncCursor)
		require.Empty(t, caught)

		// From there the device is live again.
		startFanout(t, b)
		resp, data = b.call(t, "POST", "/api/logbook/entries", tok, logbookBody("after the resync"), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		m := d.next(t)
		require.Equal(t, "CHANGES", m.Type, "%+v", m)
		require.Equal(t, int64(7), m.Changes[0].Seq)
	})
}

// TestCascadeDeletesReachSockets: deleting a score, or the account that owns it, removes
// other users' favourites and collection entries of it by cascade; their devices hear of it.
func TestCascadeDeletesReachSockets(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	owner, ownerTok := b.user(t, "composer@example.com")
	_, fanTok := b.user(t, "fan@example.com")

	// The fan favourites and collects two of the owner's public scores.
	first := seedScore(t, b, owner.ID, "public", map[string]any{"title": "Nocturne"}, "")
	second := seedScore(t, b, owner.ID, "public", map[string]any{"title": "Ballade"}, "")
	resp, data := b.call(t, "POST", "/api/collections", fanTok, map[string]any{"name": "Evening"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	collection := decodeAs[store.Collection](t, data).ID
	for _, s := range []uuid.UUID{first, second} {
		resp, data = b.call(t, "PUT", "/api/scores/"+s.String()+"/favorite", fanTok, nil, nil)
		require.Equal(t, http.StatusNoContent, resp.StatusCode, string(data))
		resp, data = b.call(t, "POST", "/api/collections/"+collection.String()+"/scores", fanTok, map[string]any{"score_id": s}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	}
	resp, data = b.call(t, "GET", "/api/sync/status", fanTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	fan, _ := connect(t, b, fanTok, "fan-phone", decodeAs[struct {
		Cursor int64 `json:"cursor"`
	}](t, data).Cursor)

	// deletes reads the fan's socket until the favourite and the collection entry of score
	// are both deleted (each read waits at most 10 s).
	deletes := func(score uuid.UUID) {
		t.Helper()
		want := map[string]bool{"favorite:" + score.String(): true, "collection_score:" + collection.String() + ":" + score.String(): true}
		for len(want) > 0 {
			m := fan.next(t)
			require.Equal(t, "CHANGES", m.Type, "%+v", m)
			for _, c := range m.Changes {
				require.Equal(t, "delete", c.Op, "%+v", c)
				require.True(t, want[c.Entity+":"+c.EntityID], "unexpected change %+v", c)
				delete(want, c.Entity+":"+c.EntityID)
			}
		}
	}

	resp, _ = b.call(t, "DELETE", "/api/scores/"+first.String(), ownerTok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	deletes(first)

	resp, _ = b.call(t, "DELETE", "/api/user/me", ownerTok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	deletes(second)
	fan.quiet(t)
}
