package api_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/account"
)

func entry(at time.Time, minutes int, typ string, extra map[string]any) map[string]any {
	e := map[string]any{"practiced_at": at.Format(time.RFC3339), "duration_minutes": minutes, "type": typ}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

func TestLogbookCRUD(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "crud@example.com")
	at := b.now.Add(-time.Hour).UTC().Truncate(time.Second)

	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, entry(at, 45, "practice", map[string]any{
		"instrument": "piano", "mood": "satisfied", "tags": []string{"scales"}, "notes": "slow, then fast",
		"pieces": []map[string]any{{"title": "Ballade No. 1", "composer": "Chopin", "minutes": 30, "tempo": 60}},
	}), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	e := decodeAs[store.LogbookEntry](t, data)
	require.Equal(t, 1, e.Version)
	require.Equal(t, `"1"`, resp.Header.Get("ETag"))
	require.Equal(t, "/api/logbook/entries/"+e.ID.String(), resp.Header.Get("Location"))
	require.True(t, e.PracticedAt.Equal(at))
	require.Equal(t, "Chopin", e.Pieces[0].Composer)

	resp, data = b.call(t, "GET", "/api/logbook/entries/"+e.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, e.ID, decodeAs[store.LogbookEntry](t, data).ID)

	// Update at version 1 → version 2; a second writer still at version 1 is refused.
	ifMatch := http.Header{"If-Match": {`"1"`}}
	resp, data = b.call(t, "PUT", "/api/logbook/entries/"+e.ID.String(), tok, entry(at, 50, "practice", nil), ifMatch)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, 2, decodeAs[store.LogbookEntry](t, data).Version)
	resp, data = b.call(t, "PUT", "/api/logbook/entries/"+e.ID.String(), tok, entry(at, 99, "practice", nil), ifMatch)
	requireError(t, resp, data, http.StatusPreconditionFailed, "version_conflict")
	resp, data = b.call(t, "DELETE", "/api/logbook/entries/"+e.ID.String(), tok, nil, ifMatch)
	requireError(t, resp, data, http.StatusPreconditionFailed, "version_conflict")
	got := decodeAs[store.LogbookEntry](t, second(b.call(t, "GET", "/api/logbook/entries/"+e.ID.String(), tok, nil, nil)))
	require.Equal(t, 50, got.DurationMinutes, "the stale write changed nothing")

	resp, _ = b.call(t, "DELETE", "/api/logbook/entries/"+e.ID.String(), tok, nil, http.Header{"If-Match": {`"2"`}})
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, data = b.call(t, "GET", "/api/logbook/entries/"+e.ID.String(), tok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")
	resp, data = b.call(t, "GET", "/api/logbook/entries/not-a-uuid", tok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")
}

func second[A, B any](_ A, b B) B { return b }

func TestLogbookListing(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "list@example.com")
	_, otherTok := b.user(t, "other@example.com")
	base := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	types := []string{"practice", "lesson", "performance"}
	for i := range 25 {
		body := entry(base.Add(time.Duration(i)*24*time.Hour), 10+i, types[i%3], map[string]any{
			"instrument": []string{"Piano", "violin"}[i%2],
			"tags":       []string{fmt.Sprintf("week%d", i/7)},
			"pieces":     []map[string]any{{"title": fmt.Sprintf("Etude %d", i), "composer": []string{"Czerny", "Chopin"}[i%2]}},
		})
		resp, data := b.call(t, "POST", "/api/logbook/entries", tok, body, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	}
	// Someone else's entries never show up.
	resp, _ := b.call(t, "POST", "/api/logbook/entries", otherTok, entry(base, 5, "practice", nil), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	list := func(query string) []store.LogbookEntry {
		t.Helper()
		var all []store.LogbookEntry
		cursor := ""
		for range 20 {
			q := query
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			resp, data := b.call(t, "GET", "/api/logbook/entries?"+q, tok, nil, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
			p := decodeAs[store.Page[store.LogbookEntry]](t, data)
			all = append(all, p.Items...)
			if p.NextCursor == "" {
				return all
			}
			cursor = p.NextCursor
		}
		t.Fatal("pagination did not end")
		return nil
	}

	all := list("limit=10")
	require.Len(t, all, 25)
	require.True(t, sort.SliceIsSorted(all, func(i, j int) bool { return all[i].PracticedAt.After(all[j].PracticedAt) }), "newest first")
	ids := map[string]bool{}
	for _, e := range all {
		ids[e.ID.String()] = true
	}
	require.Len(t, ids, 25, "no entry twice across pages")

	byDuration := list("limit=7&sort=duration_minutes")
	require.Len(t, byDuration, 25)
	require.Equal(t, 10, byDuration[0].DurationMinutes)
	require.Equal(t, 34, byDuration[24].DurationMinutes)

	require.Len(t, list("type=lesson"), 8)
	require.Len(t, list("instrument=PIANO"), 13)
	require.Len(t, list("tag=week0"), 7)
	require.Len(t, list("piece=chopin"), 12)
	require.Len(t, list("piece=Etude%201"), 11) // Etude 1, 10–19
	require.Len(t, list("from=2026-10-03&to=2026-10-06"), 3)

	for query, code := range map[string]string{
		"limit=0":          "validation_failed",
		"limit=101":        "validation_failed",
		"sort=mood":        "validation_failed",
		"type=nap":         "validation_failed",
		"from=yesterday":   "validation_failed",
		"cursor=garbage!!": "bad_request",
	} {
		resp, data := b.call(t, "GET", "/api/logbook/entries?"+query, tok, nil, nil)
		require.GreaterOrEqual(t, resp.StatusCode, 400, query)
		requireError(t, resp, data, resp.StatusCode, code)
	}
	// A cursor of one sort is refused by another.
	resp, data := b.call(t, "GET", "/api/logbook/entries?limit=1", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cur := decodeAs[store.Page[store.LogbookEntry]](t, data).NextCursor
	resp, data = b.call(t, "GET", "/api/logbook/entries?sort=duration_minutes&cursor="+cur, tok, nil, nil)
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	u, tok := b.user(t, "idem@example.com")
	_, otherTok := b.user(t, "idem2@example.com")
	body := entry(b.now.Add(-time.Hour), 20, "practice", nil)
	key := http.Header{"Idempotency-Key": {"retry-me-1"}}

	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, body, key)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	first := decodeAs[store.LogbookEntry](t, data)
	resp, data = b.call(t, "POST", "/api/logbook/entries", tok, body, key)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
	require.Equal(t, first.ID, decodeAs[store.LogbookEntry](t, data).ID)

	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM logbook_entries WHERE user_id = $1`, u.ID).Scan(&n))
	require.Equal(t, 1, n, "a retried POST creates one row")

	resp, data = b.call(t, "POST", "/api/logbook/entries", tok, entry(b.now.Add(-time.Hour), 21, "practice", nil), key)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "idempotency_key_reused")

	// Keys are per user.
	resp, data = b.call(t, "POST", "/api/logbook/entries", otherTok, body, key)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NotEqual(t, first.ID, decodeAs[store.LogbookEntry](t, data).ID)

	// A failed request is not remembered: fixing it and retrying with the key works.
	badKey := http.Header{"Idempotency-Key": {"retry-me-2"}}
	resp, _ = b.call(t, "POST", "/api/logbook/entries", tok, `{"type": "practice"}`, badKey)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	resp, _ = b.call(t, "POST", "/api/logbook/entries", tok, body, badKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
}

// TestAuthorizationMatrix walks every endpoint of the OpenAPI document that needs a user.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	owner, ownerTok := b.user(t, "owner@example.com")
	_, intruderTok := b.user(t, "intruder@example.com")
	ctx := context.Background()

	// The owner's objects.
	ids := map[string]string{}
	for path, body := range map[string]any{
		"/api/logbook/entries": entry(b.now.Add(-time.Hour), 30, "practice", map[string]any{"notes": "mine"}),
		"/api/repertoire":      map[string]any{"title": "Partita No. 2", "composer": "Bach", "status": "learning"},
		"/api/goals":           map[string]any{"title": "Practise daily", "type": "practice_time", "target_value": 600},
	} {
		resp, data := b.call(t, "POST", path, ownerTok, body, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		ids[path] = decodeAs[struct {
			ID string `json:"id"`
		}](t, data).ID
	}
	score := b.upload(t, ownerTok, "mine.pdf", scorePDF(2), nil)
	ids["/api/scores"] = score.ID.String()
	// An IMSLP import (no worker runs here: it stays running, and cancellable).
	resp, data := b.call(t, "POST", "/api/import/imslp", ownerTok, map[string]any{"work": "701"}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	ids["/api/import/status"] = decodeAs[struct {
		ID string `json:"id"`
	}](t, data).ID
	ids["/api/import/imslp"] = ids["/api/import/status"]
	resp, data = b.call(t, "POST", "/api/collections", ownerTok, map[string]any{"name": "Recital"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	ids["/api/collections"] = decodeAs[store.Collection](t, data).ID.String()
	ids["/api/terms"] = uuid.NewString() // dictionary entries are shared: only the 401s apply
	ids["/api/ops/jobs"] = "1"           // operators' routes: the 401s here, the 403s in TestPipelines
	resp, data = b.call(t, "POST", "/api/collections/"+ids["/api/collections"]+"/scores", ownerTok, map[string]any{"score_id": score.ID}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	resp, _ = b.call(t, "PUT", "/api/scores/"+score.ID.String()+"/favorite", ownerTok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	snapshot := func() string {
		var s string
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT
			(SELECT string_agg(id::text || version || duration_minutes || notes, ',') FROM logbook_entries WHERE user_id = $1) ||
			(SELECT string_agg(id::text || version || title || status, ',') FROM repertoire_items WHERE user_id = $1) ||
			(SELECT string_agg(id::text || version || current_value, ',') FROM goals WHERE user_id = $1) ||
			(SELECT string_agg(id::text || version || visibility || corrections::text || coalesce(run_id::text, ''), ',') FROM scores WHERE owner_id = $1) ||
			(SELECT string_agg(c.id::text || c.version || c.name || cs.score_id || cs.position, ',') FROM collections c
				JOIN collection_scores cs ON cs.collection_id = c.id WHERE c.owner_id = $1) ||
			(SELECT count(*)::text FROM favorites WHERE user_id = $1) ||
			(SELECT string_agg(b.id::text || b.status || i.state, ',') FROM imslp_batches b
				JOIN imslp_batch_items i ON i.batch_id = b.id WHERE b.owner_id = $1)`, owner.ID).Scan(&s))
		return s
	}
	before := snapshot()

	expiredTok, err := b.tokens.Issue(owner.ID, -time.Minute)
	require.NoError(t, err)
	parts := strings.Split(ownerTok, ".")
	sig := []byte(parts[2])
	sig[0] ^= 1
	tamperedTok := parts[0] + "." + parts[1] + "." + string(sig)

	paths := b.spec.Paths.Map()
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	checked := 0
	for _, path := range keys {
		for method, op := range paths[path].Operations() {
			if op.Security == nil || len(*op.Security) == 0 {
				continue
			}
			concrete := path
			if strings.Contains(path, "{id}") {
				collection := strings.TrimSuffix(strings.Split(path, "/{id}")[0], "")
				concrete = strings.ReplaceAll(path, "{id}", ids[collection])
			}
			concrete = strings.ReplaceAll(concrete, "{page}", "1.png")
			concrete = strings.ReplaceAll(concrete, "{score}", ids["/api/scores"])
			for name, tok := range map[string]string{"NoToken": "", "Tampered": tamperedTok, "Expired": expiredTok, "NotAToken": "abc"} {
				resp, data := b.call(t, method, concrete, tok, "{}", nil)
				require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "%s %s %s: %s", name, method, concrete, data)
			}
			// Another user reaches none of the owner's objects: 404, as if they did not exist.
			// (Dictionary entries belong to no one; TestFeedbackAndReports checks that readers'
			// feedback stays their own.)
			if strings.Contains(path, "{id}") && !strings.HasPrefix(path, "/api/terms/") && !strings.HasPrefix(path, "/api/ops/") {
				var body any
				switch {
				case strings.HasSuffix(path, "/progress"):
					body = map[string]any{"value": 5}
				case strings.HasPrefix(path, "/api/logbook"):
					body = entry(b.now.Add(-time.Hour), 1, "practice", nil)
				case strings.HasPrefix(path, "/api/repertoire"):
					body = map[string]any{"title": "Stolen", "status": "dropped"}
				case strings.HasPrefix(path, "/api/goals"):
					body = map[string]any{"title": "Stolen", "type": "custom", "target_value": 1}
				case strings.HasSuffix(path, "/scores") && method == "POST":
					body = map[string]any{"score_id": ids["/api/scores"]}
				case strings.HasSuffix(path, "/scores") && method == "PUT":
					body = map[string]any{"score_ids": []string{ids["/api/scores"]}}
				case strings.HasPrefix(path, "/api/collections"):
					body = map[string]any{"name": "Stolen", "visibility": "public"}
				case strings.HasPrefix(path, "/api/scores"):
					body = map[string]any{"visibility": "public", "metadata": map[string]any{"title": "Stolen"}}
				}
				if method == "GET" || method == "DELETE" {
					body = nil
				}
				resp, data := b.call(t, method, concrete, intruderTok, body, nil)
				requireError(t, resp, data, http.StatusNotFound, "not_found")
			}
			checked++
		}
	}
	require.GreaterOrEqual(t, checked, 20, "every user endpoint was walked")
	require.Equal(t, before, snapshot(), "nothing of the owner's changed")

	// Lists and exports show the intruder only their own (empty) data.
	resp, data = b.call(t, "GET", "/api/logbook/entries", intruderTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, decodeAs[store.Page[store.LogbookEntry]](t, data).Items)
	resp, data = b.call(t, "GET", "/api/export", intruderTok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotContains(t, string(data), ids["/api/logbook/entries"])

	// Linking someone else's goal to one's own entry is refused.
	resp, data = b.call(t, "POST", "/api/logbook/entries", intruderTok,
		entry(b.now.Add(-time.Hour), 5, "practice", map[string]any{"goal_ids": []string{ids["/api/goals"]}}), nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{maxBodyBytes: 8192})
	u, tok := b.user(t, "bad@example.com")
	ok := func() map[string]any { return entry(b.now.Add(-time.Hour), 30, "practice", nil) }
	with := func(k string, v any) map[string]any {
		e := ok()
		if v == nil {
			delete(e, k)
		} else {
			e[k] = v
		}
		return e
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		says   string
	}{
		{"DurationAsText", with("duration_minutes", "thirty"), 400, "duration_minutes must be a number"},
		{"MissingType", with("type", nil), 422, "type is required"},
		{"MissingDate", with("practiced_at", nil), 422, "practiced_at is required"},
		{"InvalidEnum", with("type", "napping"), 422, "type must be one of"},
		{"InvalidMood", with("mood", "grumpy"), 422, "mood must be one of"},
		{"ZeroMinutes", with("duration_minutes", 0), 422, "duration_minutes is required"},
		{"TooManyMinutes", with("duration_minutes", 5000), 422, "duration_minutes must be at most 1440"},
		{"FarFuture", with("practiced_at", "2099-01-01T00:00:00Z"), 422, "in the future"},
		{"Ancient", with("practiced_at", "1492-01-01T00:00:00Z"), 422, "after 1900"},
		{"NotADate", with("practiced_at", "last tuesday"), 400, "practiced_at"},
		{"UnknownField", with("secret_admin", true), 400, `unknown field "secret_admin"`},
		{"PieceWithoutTitle", with("pieces", []map[string]any{{"composer": "Bach"}}), 422, "pieces[0].title is required"},
		{"TagTooLong", with("tags", []string{strings.Repeat("x", 51)}), 422, "tags[0] must be at most 50 characters"},
		{"NotAnObject", `[1, 2, 3]`, 400, "must be a JSON object"},
		{"TwoValues", `{"type": "practice"} {}`, 400, "single JSON value"},
		{"Broken", `{"type": `, 400, "not valid JSON"},
		{"Empty", ``, 400, ""},
		{"BadGoalID", with("goal_ids", []string{"nope"}), 400, "goal_ids"},
		{"Oversized", with("notes", strings.Repeat("n", 9000)), 413, "larger than this server accepts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, data := b.call(t, "POST", "/api/logbook/entries", tok, tc.body, nil)
			if tc.name == "Empty" {
				resp, data = b.do(t, "POST", "/api/logbook/entries", strings.NewReader(""),
					http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}})
			}
			require.Equal(t, tc.status, resp.StatusCode, string(data))
			eb := decodeAs[errorBody](t, data)
			require.Contains(t, eb.Error.Message, tc.says)
		})
	}
	resp, data := b.call(t, "POST", "/api/logbook/entries", tok, nil, http.Header{"Content-Type": {"text/plain"}})
	requireError(t, resp, data, http.StatusUnsupportedMediaType, "unsupported_media_type")

	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM logbook_entries WHERE user_id = $1`, u.ID).Scan(&n))
	require.Zero(t, n, "nothing was written")

	// Profile and goals validate as well.
	resp, data = b.call(t, "PUT", "/api/user/me", tok, map[string]any{"timezone": "Mars/Olympus", "locale": "en"}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	resp, data = b.call(t, "POST", "/api/goals", tok, map[string]any{"title": "x", "type": "custom", "target_value": 1, "due_date": "2300-01-01"}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	resp, data = b.call(t, "POST", "/api/goals", tok, map[string]any{"title": "x", "type": "custom", "target_value": -1}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	resp, data = b.call(t, "POST", "/api/repertoire", tok, map[string]any{"title": "x", "status": "done", "difficulty": 11}, nil)
	eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	require.Len(t, eb.Error.Details, 2, "every problem is listed")
}

func TestProfileAndPreferences(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "profile@example.com")
	resp, data := b.call(t, "PUT", "/api/user/me", tok, map[string]any{
		"display_name": "Clara", "primary_instrument": "piano", "timezone": "Europe/Leipzig", "locale": "de"}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed") // no such zone
	resp, data = b.call(t, "PUT", "/api/user/me", tok, map[string]any{
		"display_name": "Clara", "primary_instrument": "piano", "timezone": "Europe/Berlin", "locale": "de"}, http.Header{"If-Match": {`"1"`}})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	u := decodeAs[store.User](t, data)
	require.Equal(t, "Europe/Berlin", u.Timezone)
	require.Equal(t, 2, u.Version)
	resp, data = b.call(t, "PUT", "/api/user/me", tok, map[string]any{"timezone": "UTC", "locale": "en"}, http.Header{"If-Match": {`"1"`}})
	requireError(t, resp, data, http.StatusPreconditionFailed, "version_conflict")

	resp, data = b.call(t, "PUT", "/api/user/preferences", tok, map[string]any{"theme": "dark", "metronome": map[string]any{"bpm": 72}}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	resp, data = b.call(t, "GET", "/api/user/preferences", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"theme": "dark", "metronome": {"bpm": 72}}`, string(data))
	resp, data = b.call(t, "PUT", "/api/user/preferences", tok, map[string]any{"blob": strings.Repeat("x", 17<<10)}, nil)
	requireError(t, resp, data, http.StatusRequestEntityTooLarge, "payload_too_large")
}

func TestRepertoireAndGoals(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "rep@example.com")

	resp, data := b.call(t, "POST", "/api/repertoire", tok, map[string]any{"title": "Clair de lune", "composer": "Debussy", "status": "planned", "difficulty": 6}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	item := decodeAs[store.RepertoireItem](t, data)
	for _, st := range []string{"learning", "learning", "polished"} {
		resp, data = b.call(t, "PUT", "/api/repertoire/"+item.ID.String(), tok, map[string]any{"title": "Clair de lune", "composer": "Debussy", "status": st}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	}
	resp, data = b.call(t, "GET", "/api/repertoire/"+item.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	hist := decodeAs[store.RepertoireItem](t, data).StatusHistory
	require.Len(t, hist, 3, "planned, learning, polished: an unchanged status is not a change")
	require.Equal(t, "polished", hist[2].To)
	require.Equal(t, "learning", *hist[2].From)
	resp, data = b.call(t, "GET", "/api/repertoire?status=polished", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, decodeAs[store.Page[store.RepertoireItem]](t, data).Items, 1)

	resp, data = b.call(t, "POST", "/api/goals", tok, map[string]any{"title": "60 minutes", "type": "practice_time", "target_value": 60, "unit": "minutes", "due_date": "2026-12-31"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	goal := decodeAs[store.Goal](t, data)
	require.Equal(t, "active", goal.Status)
	for _, v := range []float64{25, 20} {
		resp, data = b.call(t, "POST", "/api/goals/"+goal.ID.String()+"/progress", tok, map[string]any{"value": v, "note": "evening"}, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	}
	g := decodeAs[store.Goal](t, data)
	require.InDelta(t, 45, g.CurrentValue, 0)
	require.Equal(t, "active", g.Status)
	resp, data = b.call(t, "POST", "/api/goals/"+goal.ID.String()+"/progress", tok, map[string]any{"value": 15}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	g = decodeAs[store.Goal](t, data)
	require.Equal(t, "completed", g.Status, "reaching the target completes the goal")
	require.Len(t, g.Progress, 3)
	require.Equal(t, "2026-12-31", g.DueDate.Format(time.DateOnly))
}

func TestExportImport(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "export@example.com")
	newcomer, newTok := b.user(t, "import@example.com")
	_, thirdTok := b.user(t, "third@example.com")

	resp, data := b.call(t, "POST", "/api/goals", tok, map[string]any{"title": "Scales", "type": "custom", "target_value": 10}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	goal := decodeAs[store.Goal](t, data)
	b.call(t, "POST", "/api/goals/"+goal.ID.String()+"/progress", tok, map[string]any{"value": 2}, nil)
	for i := range 3 {
		resp, data = b.call(t, "POST", "/api/logbook/entries", tok, entry(b.now.Add(-time.Duration(i+1)*time.Hour), 10+i, "practice",
			map[string]any{"notes": []string{"=HYPERLINK(\"x\")", "plain", "a, \"quoted\" note"}[i], "goal_ids": []string{goal.ID.String()},
				"pieces": []map[string]any{{"title": "Invention " + fmt.Sprint(i+1), "composer": "Bach"}}}), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	}
	b.call(t, "POST", "/api/repertoire", tok, map[string]any{"title": "Invention 1", "status": "learning"}, nil)

	resp, exported := b.call(t, "GET", "/api/export", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	ex := decodeAs[store.Export](t, exported)
	require.Len(t, ex.Logbook, 3)
	require.Len(t, ex.Goals[0].Progress, 1)

	// CSV: a header and one row per entry; formulas are defused.
	resp, data = b.call(t, "GET", "/api/export/logbook.csv", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/csv")
	records, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 4)
	require.Equal(t, "practiced_at", records[0][1])
	notes := []string{records[1][10], records[2][10], records[3][10]}
	require.Contains(t, notes, `'=HYPERLINK("x")`)
	require.Contains(t, notes, `a, "quoted" note`)

	// Someone whose export this is not cannot take over the rows by their ids... (a fresh
	// account importing another's export gets copies only where ids are free — here none).
	resp, data = b.call(t, "POST", "/api/import", thirdTok, string(exported), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	res := decodeAs[store.ImportResult](t, data)
	require.Equal(t, store.ImportResult{Skipped: 5}, res)

	// Into an account of one's own (the owner, after deleting everything): all back, once.
	resp, data = b.call(t, "DELETE", "/api/goals/"+goal.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(data))
	for _, e := range ex.Logbook {
		b.call(t, "DELETE", "/api/logbook/entries/"+e.ID.String(), tok, nil, nil)
	}
	for range 2 {
		resp, data = b.call(t, "POST", "/api/import", tok, string(exported), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, store.ImportResult{Logbook: 3, Repertoire: 1, Goals: 1}, decodeAs[store.ImportResult](t, data))
	}
	resp, data = b.call(t, "GET", "/api/export", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	again := decodeAs[store.Export](t, data)
	require.Len(t, again.Logbook, 3, "importing twice made no duplicates")
	require.Len(t, again.Goals[0].Progress, 1)

	// A bad document is refused whole.
	resp, data = b.call(t, "POST", "/api/import", newTok, map[string]any{"format": "something-else", "version": 1, "logbook": []any{}, "repertoire": []any{}, "goals": []any{}}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	broken := strings.Replace(string(exported), `"duration_minutes":10`, `"duration_minutes":0`, 1)
	resp, data = b.call(t, "POST", "/api/import", newTok, broken, nil)
	eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	require.Contains(t, eb.Error.Message, "logbook[")
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM goals WHERE user_id = $1`, newcomer.ID).Scan(&n))
	require.Zero(t, n, "nothing of a refused import was written")
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	ctx := context.Background()
	u, tok := b.user(t, "leaving@example.com")
	_, stayTok := b.user(t, "staying@example.com")
	for _, tk := range []string{tok, stayTok} {
		resp, _ := b.call(t, "POST", "/api/logbook/entries", tk, entry(b.now.Add(-time.Hour), 10, "practice", nil), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
	}

	resp, data := b.call(t, "DELETE", "/api/user/me", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	resp, data = b.call(t, "GET", "/api/user/me", tok, nil, nil)
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
	resp, _ = b.call(t, "DELETE", "/api/user/me", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, "asking again answers the same")
	var jobs int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'account_delete'`).Scan(&jobs))
	require.Equal(t, 1, jobs, "one deletion job")

	// A worker runs the job.
	w := river.NewWorkers()
	river.AddWorker(w, account.NewDeleteWorker(b.pool, b.blobs))
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Logger: dbtest.Logger(t), Workers: w,
		Queues: map[string]river.QueueConfig{queues.Default: {MaxWorkers: 2}}, FetchCooldown: time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { require.NoError(t, client.Stop(ctx)) })
	require.Eventually(t, func() bool {
		var n int
		_ = b.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE id = $1`, u.ID).Scan(&n)
		return n == 0
	}, 10*time.Second, 20*time.Millisecond)
	var mine, theirs int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE user_id = $1), count(*) FILTER (WHERE user_id <> $1) FROM logbook_entries`, u.ID).Scan(&mine, &theirs))
	require.Zero(t, mine)
	require.Equal(t, 1, theirs, "only the leaving user's data went")
}

// TestRouteTableMatchesDocument: every route the server serves is documented and every
// documented operation is served.
func TestRouteTableMatchesDocument(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	served := map[string]bool{}
	for _, r := range b.server.App().GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" || strings.HasPrefix(r.Path, "/ops") {
			continue
		}
		served[r.Method+" "+openapiPath(r.Path)] = true
	}
	documented := map[string]bool{}
	for path, item := range b.spec.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	require.Equal(t, served, documented)
	require.Greater(t, len(served), 30)
}

func openapiPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			name, suffix, _ := strings.Cut(name, ".")
			if suffix != "" {
				suffix = "." + suffix
			}
			parts[i] = "{" + name + "}" + suffix
		}
	}
	return strings.Join(parts, "/")
}

func TestReviewFindings(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, ownerTok := b.user(t, "owner2@example.com")
	_, otherTok := b.user(t, "other2@example.com")
	ctx := context.Background()

	t.Run("CookieWritesNeedTheHeader", func(t *testing.T) {
		cookie := http.Header{"Cookie": {"mirubato_access=" + otherTok}}
		resp, data := b.call(t, "POST", "/api/logbook/entries", "", entry(b.now.Add(-time.Hour), 5, "practice", nil), cookie)
		requireError(t, resp, data, http.StatusForbidden, "forbidden")
		cookie.Set("X-Requested-With", "mirubato-web")
		resp, data = b.call(t, "POST", "/api/logbook/entries", "", entry(b.now.Add(-time.Hour), 5, "practice", nil), cookie)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	})

	t.Run("ImportCannotLinkAnotherUsersGoal", func(t *testing.T) {
		resp, data := b.call(t, "POST", "/api/goals", ownerTok, map[string]any{"title": "Owner's", "type": "custom", "target_value": 3}, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		goal := decodeAs[store.Goal](t, data)
		doc := map[string]any{"format": "mirubato-export", "version": 1, "repertoire": []any{}, "goals": []any{},
			"logbook": []any{map[string]any{"id": "3f1f0a59-9f8e-4c57-8d1b-4a0f5f2b9c11", "practiced_at": b.now.Add(-time.Hour).Format(time.RFC3339),
				"duration_minutes": 5, "type": "practice", "goal_ids": []string{goal.ID.String()}}}}
		resp, data = b.call(t, "POST", "/api/import", otherTok, doc, nil)
		eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
		require.Contains(t, eb.Error.Message, "logbook[0].goal_ids")
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM logbook_entries WHERE id = '3f1f0a59-9f8e-4c57-8d1b-4a0f5f2b9c11'`).Scan(&n))
		require.Zero(t, n)

		// Deleting the goal unlinks it from the owner's entries.
		resp, data = b.call(t, "POST", "/api/logbook/entries", ownerTok, entry(b.now.Add(-time.Hour), 5, "practice",
			map[string]any{"goal_ids": []string{goal.ID.String()}}), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		e := decodeAs[store.LogbookEntry](t, data)
		resp, _ = b.call(t, "DELETE", "/api/goals/"+goal.ID.String(), ownerTok, nil, nil)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		_, data = b.call(t, "GET", "/api/logbook/entries/"+e.ID.String(), ownerTok, nil, nil)
		require.Empty(t, decodeAs[store.LogbookEntry](t, data).GoalIDs)
	})

	t.Run("ForgedCursor", func(t *testing.T) {
		for _, v := range []string{`{"s":"-practiced_at","v":"yesterday","id":"3f1f0a59-9f8e-4c57-8d1b-4a0f5f2b9c11"}`,
			`{"s":"duration_minutes","v":"lots","id":"3f1f0a59-9f8e-4c57-8d1b-4a0f5f2b9c11"}`} {
			var sortName string
			if strings.Contains(v, "duration") {
				sortName = "&sort=duration_minutes"
			}
			cur := base64.RawURLEncoding.EncodeToString([]byte(v))
			resp, data := b.call(t, "GET", "/api/logbook/entries?cursor="+cur+sortName, ownerTok, nil, nil)
			requireError(t, resp, data, http.StatusBadRequest, "bad_request")
		}
	})

	t.Run("VersionInBody", func(t *testing.T) {
		resp, data := b.call(t, "POST", "/api/repertoire", ownerTok, map[string]any{"title": "Sonata", "status": "planned"}, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		item := decodeAs[store.RepertoireItem](t, data)
		resp, data = b.call(t, "PUT", "/api/repertoire/"+item.ID.String(), ownerTok, map[string]any{"title": "Sonata", "status": "learning", "version": 1}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		resp, data = b.call(t, "PUT", "/api/repertoire/"+item.ID.String(), ownerTok, map[string]any{"title": "Sonata", "status": "dropped", "version": 1}, nil)
		requireError(t, resp, data, http.StatusConflict, "version_conflict")
	})

	t.Run("WritesAreLimitedPerUser", func(t *testing.T) {
		_, tok := b.user(t, "busy@example.com")
		var last *http.Response
		for range 601 {
			last, _ = b.call(t, "PUT", "/api/user/preferences", tok, map[string]any{"n": 1}, nil)
			if last.StatusCode != http.StatusOK {
				break
			}
		}
		require.Equal(t, http.StatusTooManyRequests, last.StatusCode, "the 601st write in a minute is refused")
		// Reads are not limited, and other users are not affected.
		resp, _ := b.call(t, "GET", "/api/user/preferences", tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = b.call(t, "PUT", "/api/user/preferences", otherTok, map[string]any{"n": 1}, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	})

	t.Run("WildcardsAreLiteral", func(t *testing.T) {
		resp, data := b.call(t, "POST", "/api/logbook/entries", ownerTok, entry(b.now.Add(-time.Hour), 5, "practice",
			map[string]any{"pieces": []map[string]any{{"title": "100% scales"}}}), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		_, data = b.call(t, "GET", "/api/logbook/entries?piece=%25", ownerTok, nil, nil)
		require.Len(t, decodeAs[store.Page[store.LogbookEntry]](t, data).Items, 1, "only the title with a literal %")
		_, data = b.call(t, "GET", "/api/logbook/entries?piece=_", ownerTok, nil, nil)
		require.Empty(t, decodeAs[store.Page[store.LogbookEntry]](t, data).Items)
	})
}
