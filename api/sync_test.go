package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/fanout"
)

// startFanout works the sync queue on the bundle's database, as a worker process would.
func startFanout(t *testing.T, b *testBundle) {
	t.Helper()
	w := river.NewWorkers()
	river.AddWorker(w, fanout.NewWorker(b.pool))
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Logger: dbtest.Logger(t), Workers: w,
		Queues: map[string]river.QueueConfig{queues.Sync: {MaxWorkers: 10}}, FetchCooldown: time.Millisecond,
		FetchPollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, client.Stop(context.Background())) })
}

type wsMsg struct {
	Type      string          `json:"type"`
	DeviceID  string          `json:"device_id"`
	Cursor    *int64          `json:"cursor"`
	Changes   []store.Change  `json:"changes"`
	Applied   []pushResultMsg `json:"applied"`
	Conflicts []pushResultMsg `json:"conflicts"`
	More      *bool           `json:"more"`
	Code      string          `json:"code"`
	Message   string          `json:"message"`
}

type pushResultMsg struct {
	ClientChangeID string          `json:"client_change_id"`
	Status         string          `json:"status"`
	Version        *int            `json:"version"`
	State          json.RawMessage `json:"state"`
	LostFields     []string        `json:"lost_fields"`
	Error          string          `json:"error"`
}

type device struct {
	ws *websocket.Conn
}

// dial opens a socket with tok, closed when the test ends; nothing is said on it yet.
func dial(t *testing.T, b *testBundle, tok string) *device {
	t.Helper()
	url := "ws" + strings.TrimPrefix(b.baseURL, "http") + "/api/sync/ws"
	ws, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Bearer " + tok}})
	require.NoError(t, err)
	resp.Body.Close()
	t.Cleanup(func() { ws.Close() })
	return &device{ws: ws}
}

// connect opens a device's socket, says HELLO and reads WELCOME and the catch-up.
func connect(t *testing.T, b *testBundle, tok, deviceID string, cursor int64) (*device, []store.Change) {
	t.Helper()
	d := dial(t, b, tok)
	d.send(t, map[string]any{"type": "HELLO", "device_id": deviceID, "cursor": cursor})
	welcome := d.next(t)
	require.Equal(t, "WELCOME", welcome.Type, welcome.Message)
	var caught []store.Change
	for {
		bulk := d.next(t)
		require.Equal(t, "BULK_SYNC", bulk.Type)
		caught = append(caught, bulk.Changes...)
		if !*bulk.More {
			return d, caught
		}
	}
}

func (d *device) send(t *testing.T, m any) {
	t.Helper()
	require.NoError(t, d.ws.WriteJSON(m))
}

func (d *device) next(t *testing.T) wsMsg {
	t.Helper()
	require.NoError(t, d.ws.SetReadDeadline(time.Now().Add(10*time.Second)))
	var m wsMsg
	require.NoError(t, d.ws.ReadJSON(&m))
	return m
}

// quiet checks that nothing but the answer to a PING comes: no change was sent to d.
func (d *device) quiet(t *testing.T) {
	t.Helper()
	d.send(t, map[string]any{"type": "PING"})
	m := d.next(t)
	require.Equal(t, "PONG", m.Type, "%+v", m)
}

func logbookBody(notes string) map[string]any {
	return map[string]any{"practiced_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 30,
		"type": "practice", "notes": notes}
}

func TestSyncOverREST(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "syncer@example.com")
	_, otherTok := b.user(t, "stranger@example.com")
	phone := http.Header{"X-Device-Id": {"phone-1"}}

	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, logbookBody("scales"), phone)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	entry := decodeAs[store.LogbookEntry](t, data)
	body := logbookBody("scales and arpeggios")
	body["practiced_at"] = entry.PracticedAt.UTC().Format(time.RFC3339) // only the notes change
	resp, data = b.call(t, "PUT", "/api/logbook/entries/"+entry.ID.String(), tok, body, phone)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	resp, _ = b.call(t, "DELETE", "/api/logbook/entries/"+entry.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, _ = b.call(t, "PUT", "/api/user/preferences", tok, map[string]any{"theme": "dark"}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	resp, data = b.call(t, "GET", "/api/sync/pull?since=0", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	pull := decodeAs[struct {
		Changes []store.Change `json:"changes"`
		Cursor  int64          `json:"cursor"`
		More    bool           `json:"more"`
	}](t, data)
	require.Len(t, pull.Changes, 4)
	c := pull.Changes
	require.Equal(t, []int64{1, 2, 3, 4}, []int64{c[0].Seq, c[1].Seq, c[2].Seq, c[3].Seq})
	require.Equal(t, "logbook_entry", c[0].Entity)
	require.Equal(t, entry.ID.String(), c[0].EntityID)
	require.Equal(t, "phone-1", c[0].DeviceID)
	require.Contains(t, string(c[0].Data), `"notes":"scales"`)
	require.NotContains(t, string(c[0].Data), "user_id", "no owner column in the payload")
	require.Equal(t, []string{"notes"}, c[1].Fields, "only what changed")
	require.Equal(t, "delete", c[2].Op, "a tombstone")
	require.Empty(t, c[2].Data)
	require.Equal(t, "", c[2].DeviceID, "no X-Device-Id: unknown device")
	require.Equal(t, "preferences", c[3].Entity)
	require.Equal(t, int64(4), pull.Cursor)
	require.False(t, pull.More)

	resp, data = b.call(t, "GET", "/api/sync/pull?since=2&limit=1", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	page := decodeAs[struct {
		Changes []store.Change `json:"changes"`
		More    bool           `json:"more"`
	}](t, data)
	require.Len(t, page.Changes, 1)
	require.True(t, page.More)

	resp, data = b.call(t, "GET", "/api/sync/pull?since=0", otherTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(data), `"changes":[]`, "another user sees none of them")
	resp, data = b.call(t, "GET", "/api/sync/status", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(data), `"cursor":4`)

	// A failed write records nothing.
	bad := logbookBody("x")
	bad["duration_minutes"] = 0
	resp, _ = b.call(t, "POST", "/api/logbook/entries", tok, bad, phone)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	_, data = b.call(t, "GET", "/api/sync/status", tok, nil, nil)
	require.Contains(t, string(data), `"cursor":4`)
	resp, data = b.call(t, "POST", "/api/logbook/entries", tok, logbookBody("x"), http.Header{"X-Device-Id": {"bad device id!"}})
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	resp, data = b.call(t, "GET", "/api/sync/ws", tok, nil, nil)
	requireError(t, resp, data, http.StatusUpgradeRequired, "upgrade_required")
}

// push sends changes from a device by REST.
func push(t *testing.T, b *testBundle, tok, deviceID string, changes ...map[string]any) (applied, conflicts []pushResultMsg) {
	t.Helper()
	resp, data := b.call(t, "POST", "/api/sync/push", tok, map[string]any{"device_id": deviceID, "changes": changes}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	out := decodeAs[struct {
		Applied   []pushResultMsg `json:"applied"`
		Conflicts []pushResultMsg `json:"conflicts"`
	}](t, data)
	return out.Applied, out.Conflicts
}

func change(ccid, id string, base int, ts time.Time, fields []string, data map[string]any) map[string]any {
	return map[string]any{"client_change_id": ccid, "entity": "logbook_entry", "id": id, "op": "upsert",
		"base_version": base, "client_ts": ts.UTC().Format(time.RFC3339Nano), "fields": fields, "data": data}
}

// TestTwoDevicesEditOneEntry: the conflict rule of docs/sync-protocol.md.
func TestTwoDevicesEditOneEntry(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "twodevices@example.com")
	_, otherTok := b.user(t, "intruder@example.com")
	id := uuid.NewString()
	t0 := time.Now().Add(-time.Minute)

	// Created offline on the phone, pushed; pushed again: applied once.
	created := change("p1", id, 0, t0, nil, logbookBody("from the phone"))
	applied, conflicts := push(t, b, tok, "phone", created)
	require.Len(t, applied, 1)
	require.Empty(t, conflicts)
	require.Equal(t, 1, *applied[0].Version)
	again, _ := push(t, b, tok, "phone", created)
	require.Equal(t, applied, again, "a repeated push is answered as the first")
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM sync_changes WHERE entity_id = $1`, id).Scan(&n))
	require.Equal(t, 1, n, "and applied once")

	// Both devices edit version 1. The phone's edit (later) lands first.
	phoneEdit := logbookBody("phone notes")
	phoneEdit["mood"] = "satisfied"
	applied, _ = push(t, b, tok, "phone", change("p2", id, 1, t0.Add(20*time.Second), []string{"notes", "mood"}, phoneEdit))
	require.Equal(t, "applied", applied[0].Status)
	require.Equal(t, 2, *applied[0].Version)

	// The laptop's older edit of the same field loses: it gets the winning state.
	laptopEdit := logbookBody("laptop notes")
	_, conflicts = push(t, b, tok, "laptop", change("l1", id, 1, t0.Add(10*time.Second), []string{"notes"}, laptopEdit))
	require.Len(t, conflicts, 1)
	require.Equal(t, "conflict", conflicts[0].Status)
	require.Contains(t, string(conflicts[0].State), `"notes":"phone notes"`)

	// The same id in capitals is the same entity (iOS writes UUIDs so).
	_, conflicts = push(t, b, tok, "laptop", change("l1b", strings.ToUpper(id), 1, t0.Add(10*time.Second), []string{"notes"}, laptopEdit))
	require.Equal(t, "conflict", conflicts[0].Status)

	// At the same instant, the greater device id wins: "laptop" < "phone".
	_, conflicts = push(t, b, tok, "laptop", change("l0", id, 1, t0.Add(20*time.Second), []string{"notes"}, logbookBody("tie")))
	require.Equal(t, "conflict", conflicts[0].Status)

	// An older edit of notes and duration: duration (untouched by the phone) is kept, notes lost.
	laptopEdit["duration_minutes"] = 45
	applied, _ = push(t, b, tok, "laptop", change("l2", id, 1, t0.Add(15*time.Second), []string{"notes", "duration_minutes"}, laptopEdit))
	require.Equal(t, "merged", applied[0].Status)
	require.Equal(t, []string{"notes"}, applied[0].LostFields)
	resp, data := b.call(t, "GET", "/api/logbook/entries/"+id, tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	got := decodeAs[store.LogbookEntry](t, data)
	require.Equal(t, "phone notes", got.Notes)
	require.Equal(t, 45, got.DurationMinutes)
	require.Equal(t, "satisfied", *got.Mood)

	// A newer edit of the whole entry (no fields) wins over everything before it.
	applied, _ = push(t, b, tok, "laptop", change("l3", id, 1, time.Now(), nil, logbookBody("laptop wins")))
	require.Equal(t, "applied", applied[0].Status)
	_, data = b.call(t, "GET", "/api/logbook/entries/"+id, tok, nil, nil)
	require.Equal(t, "laptop wins", decodeAs[store.LogbookEntry](t, data).Notes)

	// An older delete loses to the newer edit; a newer one wins.
	del := map[string]any{"client_change_id": "p3", "entity": "logbook_entry", "id": id, "op": "delete", "base_version": 2,
		"client_ts": t0.Add(30 * time.Second).UTC().Format(time.RFC3339Nano)}
	_, conflicts = push(t, b, tok, "phone", del)
	require.Equal(t, "conflict", conflicts[0].Status)
	del["client_change_id"], del["client_ts"] = "p4", time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)
	applied, _ = push(t, b, tok, "phone", del)
	require.Equal(t, "applied", applied[0].Status)
	resp, _ = b.call(t, "GET", "/api/logbook/entries/"+id, tok, nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Another user cannot reach an entry of this user by its id: the id is refused.
	kept := uuid.NewString()
	applied, _ = push(t, b, tok, "phone", change("p6", kept, 0, time.Now(), nil, logbookBody("mine")))
	require.Equal(t, "applied", applied[0].Status)
	_, conflicts = push(t, b, otherTok, "x", change("o1", kept, 1, time.Now().Add(time.Hour), nil, logbookBody("stolen")))
	require.Equal(t, "rejected", conflicts[0].Status)
	require.Contains(t, conflicts[0].Error, "already taken")
	_, data = b.call(t, "GET", "/api/logbook/entries/"+kept, tok, nil, nil)
	require.Equal(t, "mine", decodeAs[store.LogbookEntry](t, data).Notes)

	bad := logbookBody("")
	bad["duration_minutes"] = 5000
	_, conflicts = push(t, b, tok, "phone", change("p5", uuid.NewString(), 0, time.Now(), nil, bad))
	require.Equal(t, "rejected", conflicts[0].Status)
	require.Contains(t, conflicts[0].Error, "duration_minutes")
}

func TestSyncSocket(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	startFanout(t, b)
	owner, tok := b.user(t, "live@example.com")
	_, otherTok := b.user(t, "other@example.com")

	phone, caught := connect(t, b, tok, "phone", 0)
	require.Empty(t, caught)
	laptop, _ := connect(t, b, tok, "laptop", 0)
	stranger, _ := connect(t, b, otherTok, "tablet", 0)

	// A REST write from the laptop reaches the phone, not the laptop, not the stranger.
	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, logbookBody("live"), http.Header{"X-Device-Id": {"laptop"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	m := phone.next(t)
	require.Equal(t, "CHANGES", m.Type)
	require.Len(t, m.Changes, 1)
	require.Equal(t, "laptop", m.Changes[0].DeviceID)
	require.Equal(t, int64(1), *m.Cursor)

	// A push over the socket: ACK to the phone, CHANGES to the laptop.
	entryID := uuid.NewString()
	phone.send(t, map[string]any{"type": "PUSH", "changes": []any{change("c1", entryID, 0, time.Now(), nil, logbookBody("pushed"))}})
	ack := phone.next(t)
	require.Equal(t, "ACK", ack.Type, ack.Message)
	require.Len(t, ack.Applied, 1)
	m = laptop.next(t)
	require.Equal(t, "CHANGES", m.Type)
	require.Equal(t, entryID, m.Changes[0].EntityID, "the laptop's own change was not sent back to it")
	laptop.quiet(t)
	stranger.quiet(t)
	phone.quiet(t)

	// Malformed messages get an ERROR, and the connection stays.
	require.NoError(t, phone.ws.WriteMessage(websocket.TextMessage, []byte("{not json")))
	require.Equal(t, "malformed", phone.next(t).Code)
	phone.send(t, map[string]any{"type": "DANCE"})
	require.Equal(t, "unknown_type", phone.next(t).Code)
	phone.send(t, map[string]any{"type": "PUSH", "changes": "nope"})
	require.Equal(t, "bad_push", phone.next(t).Code)
	phone.quiet(t)

	// The laptop drops; three changes happen meanwhile; it resumes from its cursor.
	cursor := *m.Cursor
	laptop.ws.Close()
	for i := range 3 {
		resp, _ := b.call(t, "POST", "/api/logbook/entries", tok, logbookBody(fmt.Sprint("offline ", i)), http.Header{"X-Device-Id": {"phone"}})
		require.Equal(t, http.StatusCreated, resp.StatusCode)
	}
	_, caught = connect(t, b, tok, "laptop", cursor)
	require.Len(t, caught, 3, "no gap, no duplicate")
	for i, c := range caught {
		require.Equal(t, cursor+int64(i)+1, c.Seq)
	}

	resp, data = b.call(t, "GET", "/api/sync/devices", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	devices := decodeAs[struct {
		Devices []store.Device `json:"devices"`
	}](t, data).Devices
	require.Len(t, devices, 2)
	for _, d := range devices {
		require.True(t, d.Connected, d.DeviceID)
	}

	// A token that expires ends the session with a clear reason.
	short, err := b.tokens.Issue(owner.ID, time.Since(b.now)+1500*time.Millisecond) // the tokens' clock is b.now
	require.NoError(t, err)
	watch, _ := connect(t, b, short, "watch", 0)
	var last wsMsg
	for last.Type != "ERROR" {
		last = watch.next(t)
	}
	require.Equal(t, "token_expired", last.Code)
	_, _, err = watch.ws.ReadMessage()
	var ce *websocket.CloseError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 4001, ce.Code)
}

// TestSyncAcrossProcesses: a device on one API process sees a change made through another.
func TestSyncAcrossProcesses(t *testing.T) {
	t.Parallel()
	a := setup(t, setupOpts{})
	b := setup(t, setupOpts{database: a})
	startFanout(t, a)
	_, tok := a.user(t, "twoprocs@example.com")
	phone, _ := connect(t, a, tok, "phone", 0)
	resp, _ := b.call(t, "POST", "/api/logbook/entries", tok, logbookBody("through B"), http.Header{"X-Device-Id": {"laptop"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	m := phone.next(t)
	require.Equal(t, "CHANGES", m.Type)
	require.Contains(t, string(m.Changes[0].Data), "through B")
}

// TestSyncAfterDatabaseRestart: the process's listener reconnects after the database
// connection is cut, and a change made afterwards still reaches the other device.
func TestSyncAfterDatabaseRestart(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	startFanout(t, b) // on the direct pool: the workers' connections are not cut
	_, tok := b.user(t, "restart@example.com")
	phone, _ := connect(t, b, tok, "phone", 0)
	b.proxy.Down()
	time.Sleep(200 * time.Millisecond)
	b.proxy.Up()
	require.Eventually(t, func() bool {
		resp, _ := b.call(t, "GET", "/api/sync/status", tok, nil, nil)
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond)
	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, logbookBody("after the restart"), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	m := phone.next(t)
	require.Equal(t, "CHANGES", m.Type, "%+v", m)
	require.Contains(t, string(m.Changes[0].Data), "after the restart")
}

// TestConcurrentPreferencePushes: preferences merge key by key, whoever pushes at once.
func TestConcurrentPreferencePushes(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "prefs@example.com")
	var wg sync.WaitGroup
	for i := range 10 {
		for _, device := range []string{"phone", "laptop"} {
			wg.Go(func() {
				key := fmt.Sprintf("%s%d", device, i)
				applied, _ := push(t, b, tok, device, map[string]any{"client_change_id": key, "entity": "preferences",
					"id": "me", "op": "upsert", "client_ts": time.Now().UTC().Format(time.RFC3339Nano), "data": map[string]any{key: i}})
				require.Len(t, applied, 1)
			})
		}
	}
	wg.Wait()
	resp, data := b.call(t, "GET", "/api/user/preferences", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var prefs map[string]any
	require.NoError(t, json.Unmarshal(data, &prefs))
	require.Len(t, prefs, 20, "no key lost")
}
