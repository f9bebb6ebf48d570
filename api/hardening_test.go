package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/pdf/pdftest"
	"github.com/mirubato/mirubato/internal/store"
)

// TestMetricsSurviveMixedTraffic: label values must not point into Fiber's reused request
// buffers. They once did: after a few requests a DELETE was counted as "GETETE", two series
// collided and every scrape answered 500 until the process restarted.
func TestMetricsSurviveMixedTraffic(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	require.NoError(t, err, "promtool (Debian package prometheus) is installed by ops/setup")
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "metrics@example.com")

	// Several keep-alive connections, each carrying every kind of request in turn, so the
	// buffers of one request are reused by the next.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				resp, data := b.call(t, http.MethodPost, "/api/logbook/entries", tok, map[string]any{
					"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10 + w + i, "type": "practice"}, nil)
				require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
				id := decodeAs[struct {
					ID string `json:"id"`
				}](t, data).ID
				resp, _ = b.call(t, http.MethodGet, "/api/logbook/entries/"+id, tok, nil, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				resp, _ = b.call(t, http.MethodPut, "/api/logbook/entries/"+id, tok, map[string]any{
					"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 30, "type": "lesson"}, nil)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				resp, _ = b.call(t, http.MethodDelete, "/api/logbook/entries/"+id, tok, nil, nil)
				require.Equal(t, http.StatusNoContent, resp.StatusCode)
				resp, _ = b.call(t, http.MethodGet, "/api/no/such/route", tok, nil, nil)
				require.Equal(t, http.StatusNotFound, resp.StatusCode)
				resp, _ = b.uploadRaw(t, tok, "not.pdf", []byte("plain text, not a PDF"), nil)
				require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
				resp, _ = b.do(t, "PATCH", "/livez", nil, nil)
				require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
			}
		}()
	}
	wg.Wait()

	resp, data := b.do(t, http.MethodGet, "/metrics", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	text := string(data)
	// Every method label is one that was sent; none is a mix of two.
	for _, m := range regexp.MustCompile(`mirubato_http_requests_total\{method="([^"]*)"`).FindAllStringSubmatch(text, -1) {
		require.Contains(t, []string{"GET", "POST", "PUT", "DELETE", "PATCH"}, m[1])
	}
	for _, want := range []string{
		`mirubato_http_requests_total{method="POST",route="/api/logbook/entries",status="201"} 60`,
		`mirubato_http_requests_total{method="PUT",route="/api/logbook/entries/:id",status="200"} 60`,
		`mirubato_http_requests_total{method="DELETE",route="/api/logbook/entries/:id",status="204"} 60`,
		`mirubato_http_requests_total{method="GET",route="/api/logbook/entries/:id",status="200"} 60`,
		`mirubato_http_requests_total{method="POST",route="/api/scores",status="422"} 60`,
	} {
		require.Contains(t, text, want)
	}

	cmd := exec.CommandContext(context.Background(), promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "promtool check metrics: %s", out)
	require.NotContains(t, strings.ToLower(string(out)), "error")
}

// TestTextThatIsNotUTF8 sends text PostgreSQL cannot store (invalid UTF-8, NUL, overlong and
// surrogate encodings) in every query parameter the OpenAPI document names, in the headers
// the API keeps, in JSON bodies, form fields and path segments: each is a 400 that names the
// field, never a 500 from the database.
func TestTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	admin, tok := b.user(t, "text@example.com")
	require.NoError(t, store.SetRole(context.Background(), b.pool, admin.ID, store.RoleAdmin))
	auth := http.Header{"Authorization": {"Bearer " + tok}}
	bad := []string{"%00", "%ff", "%c0%80", "%ed%a0%80", "a%00b", "%fe%ff"}

	pathValue := strings.NewReplacer("{id}", uuid.NewString(), "{score}", uuid.NewString(),
		"{term}", "allegro", "{page}", "1", "{slug}", "abc", "{job}", "1")
	checked := 0
	for path, item := range b.spec.Paths.Map() {
		op := item.Get
		if op == nil {
			continue
		}
		for _, p := range op.Parameters {
			if p.Value.In != "query" {
				continue
			}
			for _, v := range bad {
				url := pathValue.Replace(path) + "?" + p.Value.Name + "=" + v
				resp, data := b.do(t, http.MethodGet, url, nil, auth)
				eb := requireError(t, resp, data, http.StatusBadRequest, "bad_request")
				require.Len(t, eb.Error.Details, 1, url)
				require.Equal(t, p.Value.Name, eb.Error.Details[0].Field, url)
				require.Contains(t, eb.Error.Message, p.Value.Name)
				checked++
			}
		}
	}
	require.Greater(t, checked, 200, "the document's query parameters were all tried")

	// The examples the probe found, by name.
	for _, url := range []string{
		"/api/logbook/entries?piece=%ff", "/api/logbook/entries?instrument=%00", "/api/logbook/entries?tag=%c0%80",
		"/api/repertoire?composer=%ed%a0%80", "/api/repertoire?composer=%00", "/api/search?q=%ff",
		"/api/logbook/entries?%ff=1",
	} {
		resp, data := b.do(t, http.MethodGet, url, nil, auth)
		requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	}

	// Path segments, before any handler reads them.
	for _, path := range []string{"/api/terms/%ff", "/api/terms/a%00b", "/api/public/collections/%ff", "/api/scores/%00"} {
		resp, data := b.do(t, http.MethodGet, path, nil, auth)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, path+" "+string(data))
		eb := requireError(t, resp, data, http.StatusBadRequest, "bad_request")
		require.Contains(t, eb.Error.Message, "UTF-8", path)
	}

	// Headers the API stores or compares.
	entry := map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10, "type": "practice"}
	for _, h := range []string{"Idempotency-Key", "X-Device-Id", "If-Match"} {
		method, path := http.MethodPost, "/api/logbook/entries"
		if h == "If-Match" {
			method, path = http.MethodPut, "/api/logbook/entries/"+uuid.NewString()
		}
		resp, data := b.call(t, method, path, tok, entry, http.Header{h: {"\xff\xfe"}})
		eb := requireError(t, resp, data, http.StatusBadRequest, "bad_request")
		require.Equal(t, h, eb.Error.Details[0].Field)
	}

	// JSON bodies: raw bytes that are not UTF-8, and the NUL escape, anywhere in the document.
	for _, body := range []string{
		`{"practiced_at":"2026-11-01T10:00:00Z","duration_minutes":10,"type":"practice","notes":"` + "\xff" + `"}`,
		`{"practiced_at":"2026-11-01T10:00:00Z","duration_minutes":10,"type":"practice","notes":"a\u0000b"}`,
	} {
		resp, data := b.call(t, http.MethodPost, "/api/logbook/entries", tok, body, nil)
		requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	}
	resp, data := b.call(t, http.MethodPut, "/api/user/preferences", tok, `{"theme":"`+"\xc0\x80"+`"}`, nil)
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	// The text \u0000 (a backslash, then u0000), as JSON.stringify writes it, is just text.
	resp, data = b.call(t, http.MethodPut, "/api/user/preferences", tok, `{"note":"see \\u0000 in the manual"}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Contains(t, string(data), `see \\u0000 in the manual`)

	// Form fields of an upload.
	resp, data = b.uploadRaw(t, tok, "score.pdf", scorePDF(1), map[string]string{"title": "\xff"})
	eb := requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	require.Equal(t, "title", eb.Error.Details[0].Field)

	// Nothing of the refused requests was written.
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM logbook_entries) + (SELECT count(*) FROM scores)`).Scan(&n))
	require.Zero(t, n)
}

// TestBigNumbers: integers past their column's type (versions are int4, sequence numbers
// bigint) are the client's mistake: If-Match with such a version matches nothing (412), a
// body's version or base_version is a 422 naming the field, a number past int64 a 400.
func TestBigNumbers(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "big@example.com")
	created := func(path string, body any) string {
		resp, data := b.call(t, http.MethodPost, path, tok, body, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		return decodeAs[struct {
			ID string `json:"id"`
		}](t, data).ID
	}
	entry := map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10, "type": "practice"}
	goal := map[string]any{"title": "scales", "type": "custom", "target_value": 10}
	collection := map[string]any{"name": "etudes"}
	score := b.upload(t, tok, "big.pdf", scorePDF(1), nil).ID.String()
	objects := []struct {
		path string
		body map[string]any
	}{
		{"/api/logbook/entries/" + created("/api/logbook/entries", entry), entry},
		{"/api/goals/" + created("/api/goals", goal), goal},
		{"/api/collections/" + created("/api/collections", collection), collection},
		{"/api/scores/" + score, map[string]any{"visibility": "private", "metadata": map[string]any{}}},
		{"/api/user/me", map[string]any{"timezone": "UTC", "locale": "en"}},
	}
	for _, o := range objects {
		for _, v := range []string{`"2147483648"`, `"9223372036854775807"`, `"99999999999999999999999"`, `W/"4294967296"`} {
			resp, data := b.call(t, http.MethodPut, o.path, tok, o.body, http.Header{"If-Match": {v}})
			requireError(t, resp, data, http.StatusPreconditionFailed, "version_conflict")
			if o.path != "/api/user/me" {
				resp, data = b.call(t, http.MethodDelete, o.path, tok, nil, http.Header{"If-Match": {v}})
				requireError(t, resp, data, http.StatusPreconditionFailed, "version_conflict")
			}
		}
		// In the body.
		body := map[string]any{"version": int64(2147483648)}
		for k, v := range o.body {
			body[k] = v
		}
		if o.path != "/api/user/me" { // the profile has no version field
			resp, data := b.call(t, http.MethodPut, o.path, tok, body, nil)
			eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
			require.Equal(t, "version", eb.Error.Details[0].Field, o.path)
			body["version"] = json.Number("1e40")
			resp, data = b.call(t, http.MethodPut, o.path, tok, body, nil)
			requireError(t, resp, data, http.StatusBadRequest, "bad_request")
		}
		// Still there, unchanged: every refusal above wrote nothing.
		resp, data := b.call(t, http.MethodGet, o.path, tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, float64(1), decodeAs[map[string]any](t, data)["version"], o.path)
	}

	// Sync: a base_version past int4, and past int64.
	push := func(base any) (*http.Response, []byte) {
		return b.call(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"device_id": "phone", "changes": []any{
			map[string]any{"client_change_id": "c1", "entity": "logbook_entry", "id": uuid.NewString(), "op": "upsert",
				"base_version": base, "client_ts": "2026-11-01T10:00:00Z", "data": entry}}}, nil)
	}
	resp, data := push(int64(9223372036854775807))
	eb := requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	require.Equal(t, "changes[0].base_version", eb.Error.Details[0].Field)
	resp, data = push(json.Number("18446744073709551616"))
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = push(2147483647) // the largest int4 is a version that simply does not exist
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
}

// TestPushRejectsWhatCanNeverApply: over the socket, a change that is invalid the way a REST
// write would be (NUL in its text, a version out of range) is rejected on its own with the
// reason, in the ACK; the other changes of the push apply. The server never answers such a
// push with a retryable ERROR, which a client following the protocol would retry forever.
func TestPushRejectsWhatCanNeverApply(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "push@example.com")
	phone, _ := connect(t, b, tok, "phone", 0)
	now := time.Now()
	good := change("good", uuid.NewString(), 0, now, nil, logbookBody("fine"))
	nul := change("nul", uuid.NewString(), 0, now, nil, logbookBody("a\x00b"))
	huge := change("huge", uuid.NewString(), 0, now, nil, logbookBody("x"))
	huge["base_version"] = int64(9223372036854775807)
	past := change("past", uuid.NewString(), 0, now, nil, logbookBody("x"))
	past["base_version"] = json.Number("1e30")
	missing := change("missing", uuid.NewString(), 0, now, nil, logbookBody("x"))
	delete(missing, "client_ts")
	phone.send(t, map[string]any{"type": "PUSH", "changes": []any{nul, good, huge, past, missing}})
	ack := phone.next(t)
	require.Equal(t, "ACK", ack.Type, "%+v", ack)
	require.Len(t, ack.Applied, 1)
	require.Equal(t, "good", ack.Applied[0].ClientChangeID)
	reasons := map[string]string{}
	for _, r := range ack.Conflicts {
		require.Equal(t, "rejected", r.Status, r.ClientChangeID)
		reasons[r.ClientChangeID] = r.Error
	}
	require.Contains(t, reasons["nul"], "NUL")
	require.Contains(t, reasons["huge"], "base_version")
	require.Contains(t, reasons["past"], "base_version")
	require.Contains(t, reasons["missing"], "client_ts")
	require.Len(t, reasons, 4)

	// A HELLO whose name the database cannot store is refused as such (it used to fail
	// the connection with 1011 and internal, which a client retries forever).
	bad := dial(t, b, tok)
	bad.send(t, map[string]any{"type": "HELLO", "device_id": "tablet", "cursor": 0, "name": "a\u0000b"})
	require.Equal(t, "bad_hello", bad.next(t).Code)
	bad.send(t, map[string]any{"type": "HELLO", "device_id": "tablet", "cursor": 0, "name": "Tablet"})
	require.Equal(t, "WELCOME", bad.next(t).Type)

	// A frame that is not UTF-8 is malformed, and the connection stays.
	require.NoError(t, phone.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"PING","x":"`+"\xff"+`"}`)))
	require.Equal(t, "malformed", phone.next(t).Code)
	phone.quiet(t)

	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM logbook_entries`).Scan(&n))
	require.Equal(t, 1, n)
}

// TestSocketFloodIsRateLimited: the documented answer to a flood is ERROR rate_limited and
// then close 1008; a burst of PINGs from a client that does not read used to be dropped as
// too slow (4002) instead.
func TestSocketFloodIsRateLimited(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "flood@example.com")
	d, _ := connect(t, b, tok, "phone", 0)
	for range 200 {
		if err := d.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"PING"}`)); err != nil {
			break // closed by the server: what follows reads why
		}
	}
	var codes []string
	pongs := 0
	require.NoError(t, d.ws.SetReadDeadline(time.Now().Add(10*time.Second)))
	for {
		var m wsMsg
		err := d.ws.ReadJSON(&m)
		if err != nil {
			var ce *websocket.CloseError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, websocket.ClosePolicyViolation, ce.Code, "closed as %d %q after %v", ce.Code, ce.Text, codes)
			break
		}
		switch m.Type {
		case "PONG":
			pongs++
		case "ERROR":
			codes = append(codes, m.Code)
		}
	}
	require.Equal(t, []string{"rate_limited"}, codes)
	require.GreaterOrEqual(t, pongs, 40, "the burst allowance was answered")
}

// TestRESTPushCountsChanges: a REST push counts one write per change it carries, as the
// socket does, not one per request.
func TestRESTPushCountsChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "bulk@example.com")
	pushN := func(n int) *http.Response {
		changes := make([]any, n)
		for i := range changes {
			// A favourite of a score that is not there: rejected, but a write all the same.
			changes[i] = map[string]any{"client_change_id": uuid.NewString(), "entity": "favorite", "id": uuid.NewString(),
				"op": "upsert", "client_ts": time.Now().Format(time.RFC3339)}
		}
		resp, _ := b.call(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"device_id": "bulk", "changes": changes}, nil)
		return resp
	}
	for range 6 {
		require.Equal(t, http.StatusOK, pushN(100).StatusCode)
	}
	resp := pushN(1)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "600 changes are a minute's writes")
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
}

// TestOneCredential: a request is authenticated by exactly one credential. An Authorization
// header that is not a valid Bearer token is a 401, never a reason to fall back to the
// cookie, which would let a forged cross-site request skip the cookie's CSRF check (any
// Authorization header used to skip it).
func TestOneCredential(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{opsUser: "operator", opsPassword: "correct horse battery"})
	admin, tok := b.user(t, "cookie@example.com")
	require.NoError(t, store.SetRole(context.Background(), b.pool, admin.ID, store.RoleAdmin))
	cookie := "mirubato_access=" + tok
	entry := map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10, "type": "practice"}
	post := func(h http.Header) (*http.Response, []byte) {
		return b.call(t, http.MethodPost, "/api/logbook/entries", "", entry, h)
	}

	for _, auth := range []string{"x", "Basic " + basic("operator", "correct horse battery")[6:], "Bearer", "Token " + tok, "Bearer not-a-token"} {
		resp, data := post(http.Header{"Cookie": {cookie}, "Authorization": {auth}})
		requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
		resp, data = b.call(t, http.MethodGet, "/api/user/me", "", nil, http.Header{"Cookie": {cookie}, "Authorization": {auth}})
		requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
	}
	resp, data := post(http.Header{"Cookie": {cookie}})
	requireError(t, resp, data, http.StatusForbidden, "forbidden")
	resp, data = post(http.Header{"Cookie": {cookie}, "X-Requested-With": {"fetch"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	resp, data = post(http.Header{"Authorization": {"Bearer " + tok}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))

	// The operators' API: Basic credentials are Basic credentials, never the admin's cookie.
	retry := func(h http.Header) (*http.Response, []byte) {
		return b.do(t, http.MethodPost, "/api/ops/jobs/999999/retry", nil, h)
	}
	resp, data = retry(http.Header{"Cookie": {cookie}, "Authorization": {basic("operator", "wrong horse battery")}})
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
	resp, data = retry(http.Header{"Cookie": {cookie}, "Authorization": {"x"}})
	requireError(t, resp, data, http.StatusUnauthorized, "unauthorized")
	resp, data = retry(http.Header{"Cookie": {cookie}})
	requireError(t, resp, data, http.StatusForbidden, "forbidden")
	resp, data = retry(http.Header{"Cookie": {cookie}, "X-Requested-With": {"fetch"}})
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// Refreshing by cookie needs the header too, whatever Authorization says.
	resp, data = b.do(t, http.MethodPost, "/api/auth/refresh", nil, http.Header{"Cookie": {"mirubato_refresh=whatever"}, "Authorization": {"x"}})
	requireError(t, resp, data, http.StatusForbidden, "forbidden")
}

// rawRequest sends head, then body bytes of the request's body, on a new connection, and
// returns the first line and the headers of the answer, read without waiting for the body
// to be sent.
func rawRequest(t *testing.T, b *testBundle, head string, body []byte) (status string, header string, conn net.Conn) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(b.baseURL, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = conn.Write([]byte(head + "\r\n"))
	require.NoError(t, err)
	_, err = conn.Write(body)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err, "an answer came before the body was sent")
	defer resp.Body.Close()
	var hb strings.Builder
	_ = resp.Header.Write(&hb)
	return resp.Status, hb.String(), conn
}

// TestBodiesAreLimitedBeforeTheyAreRead: a route refuses a body past its limit from its
// declared length, before reading it (the API used to read 50 MB into memory for any route
// before routing), or while reading a body that declares no length; only the upload routes
// take large bodies, read as they arrive into files on disk.
func TestBodiesAreLimitedBeforeTheyAreRead(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{maxBodyBytes: 64 << 10})
	_, tok := b.user(t, "body@example.com")

	// Declared: 50 MB, of which 16 KB are sent (fasthttp reads up to 8 KB ahead). The
	// answer comes at once, and the connection is closed rather than drained.
	for _, path := range []string{"/api/auth/magic-link", "/api/logbook/entries", "/api/scores", "/api/no/such/route"} {
		status, _, conn := rawRequest(t, b, "POST "+path+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+tok+
			"\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 52428800\r\n", make([]byte, 16<<10))
		require.Equal(t, "413 Request Entity Too Large", status, path)
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
		// Closed: an end of file, or a reset for the unread bytes it had received.
		if _, err := io.ReadAll(conn); err != nil {
			require.ErrorIs(t, err, syscall.ECONNRESET, path)
		}
	}

	// Not declared (chunked): refused once the limit is passed while reading.
	chunked := func(path, contentType string, size int) (*http.Response, []byte) {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		form := strings.HasPrefix(contentType, "multipart/")
		if form {
			contentType = mw.FormDataContentType()
		}
		go func() {
			var w io.Writer = pw
			if form {
				fw, err := mw.CreateFormFile("file", "huge.pdf")
				if err != nil {
					return
				}
				w = fw
			}
			chunk := bytes.Repeat([]byte("a"), 32<<10)
			for sent := 0; sent < size; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			_ = mw.Close()
			_ = pw.Close()
		}()
		req, err := http.NewRequest(http.MethodPost, b.baseURL+path, pr)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", contentType)
		// Its own connection: the server answers before the body ends, then closes it.
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Do(req)
		if err != nil {
			// The server closed the connection while the body was still coming: the reset can
			// reach the client before the answer does. Refused while reading, all the same.
			require.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE), "%v", err)
			return nil, nil
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, data
	}
	for _, c := range []struct {
		path, contentType string
		size              int
	}{
		{"/api/logbook/entries", "application/json", 1 << 20},
		{"/api/scores", "multipart/form-data; boundary=xyz", 4 << 20}, // the test's files may be 2 MiB
	} {
		if resp, data := chunked(c.path, c.contentType, c.size); resp != nil {
			requireError(t, resp, data, http.StatusRequestEntityTooLarge, "payload_too_large")
		}
	}

	// Under the limits, both kinds work: a JSON body, and an upload larger than the JSON limit.
	resp, data := b.call(t, http.MethodPost, "/api/logbook/entries", tok, map[string]any{
		"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10, "type": "practice", "notes": strings.Repeat("n", 4000)}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	big := pdftest.Build(pdftest.Doc{Pages: [][]string{{"big"}}, Padding: 1 << 20})
	require.Greater(t, len(big), 64<<10)
	sc := b.upload(t, tok, "big.pdf", big, nil)
	require.Equal(t, int64(len(big)), sc.SizeBytes)

	// A compressed body could expand without bound: refused.
	resp, data = b.call(t, http.MethodPost, "/api/logbook/entries", tok, "{}", http.Header{"Content-Encoding": {"gzip"}})
	requireError(t, resp, data, http.StatusUnsupportedMediaType, "unsupported_media_type")
}

// TestDeleteAccountRacingItsJob: a repeated DELETE /api/user/me that was authenticated just
// before the deletion job removed the account answers like the first (202), not 500. The
// test holds the account's row locked while the request is on its way, removes it as the
// job would, and lets the request go on.
func TestDeleteAccountRacingItsJob(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	ctx := context.Background()
	u, tok := b.user(t, "leaving@example.com")
	resp, data := b.call(t, http.MethodDelete, "/api/user/me", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))

	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, u.ID)
	require.NoError(t, err)
	type answer struct {
		resp *http.Response
		data []byte
	}
	done := make(chan answer, 1)
	go func() {
		resp, data := b.call(t, http.MethodDelete, "/api/user/me", tok, nil, nil)
		done <- answer{resp, data}
	}()
	// The request is past authentication once it waits for the row.
	require.Eventually(t, func() bool {
		var waiting bool
		err := b.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%')`).Scan(&waiting)
		return err == nil && waiting
	}, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, store.DeleteUser(ctx, tx, u.ID))
	require.NoError(t, tx.Commit(ctx))

	a := <-done
	require.Equal(t, http.StatusAccepted, a.resp.StatusCode, string(a.data))
	require.JSONEq(t, `{"status":"deletion_scheduled"}`, string(a.data))
}

// TestRateLimitCounterDoesNotQueue: every write of a user counts on one row; when that row
// is held (a thousand requests of the user at once), a request gets the limit's answer
// (429, Retry-After) within a bounded wait instead of queueing behind all the others.
func TestRateLimitCounterDoesNotQueue(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	ctx := context.Background()
	u, tok := b.user(t, "burst@example.com")
	entry := map[string]any{"practiced_at": "2026-11-01T10:00:00Z", "duration_minutes": 10, "type": "practice"}
	resp, data := b.call(t, http.MethodPost, "/api/logbook/entries", tok, entry, nil) // the counter's row exists
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))

	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT 1 FROM rate_limits WHERE key = $1 FOR UPDATE`, "writes:"+u.ID.String())
	require.NoError(t, err)

	// Held for as long as the test likes: the request does not wait for it.
	client := &http.Client{Timeout: 5 * time.Second}
	body, err := json.Marshal(entry)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, b.baseURL+"/api/logbook/entries", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	r, err := client.Do(req)
	require.NoError(t, err, "answered while the counter is held")
	defer r.Body.Close()
	data, err = io.ReadAll(r.Body)
	require.NoError(t, err)
	requireError(t, r, data, http.StatusTooManyRequests, "rate_limited")
	require.Equal(t, "1", r.Header.Get("Retry-After"))

	require.NoError(t, tx.Rollback(ctx))
	resp, data = b.call(t, http.MethodPost, "/api/logbook/entries", tok, entry, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	var n int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM logbook_entries WHERE user_id = $1`, u.ID).Scan(&n))
	require.Equal(t, 2, n, "the refused request wrote nothing")
}

// TestRefusalsAreLogged: a refused upload's cause (the parser's own error, which the answer
// leaves out) is logged with the request id, and a panic of the PDF library that a file
// causes is logged once as an error with its stack; neither used to be.
func TestRefusalsAreLogged(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	b := setup(t, setupOpts{logs: logs})
	_, tok := b.user(t, "refused@example.com")

	lines := func(msg string) []map[string]any {
		var out []map[string]any
		for _, l := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == msg {
				out = append(out, m)
			}
		}
		return out
	}
	panicky, err := os.ReadFile("../internal/pdf/testdata/panics/pdfcpu-nil-deref.pdf")
	require.NoError(t, err)
	resp, data := b.uploadRaw(t, tok, "panic.pdf", panicky, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "invalid_pdf")
	require.NotContains(t, string(data), "panic", "the answer says what is wrong with the file, not the library's failure")
	panics := lines("pdf library panicked on an upload")
	require.Len(t, panics, 1, logs.String())
	require.Equal(t, resp.Header.Get("X-Request-Id"), panics[0]["request_id"])
	require.Equal(t, "ERROR", panics[0]["level"])
	require.Contains(t, panics[0]["stack"], "pdfcpu")

	resp, data = b.uploadRaw(t, tok, "truncated.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog"), nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "invalid_pdf")
	refusals := lines("upload refused")
	require.Len(t, refusals, 1, logs.String())
	require.Equal(t, resp.Header.Get("X-Request-Id"), refusals[0]["request_id"])
	require.NotEmpty(t, refusals[0]["reason"])
	require.NotEmpty(t, refusals[0]["cause"], "the parser's error")
}

// watchedBlobs is the file system blob store, watched: while a score's file is being
// written it counts the API's connections that sit inside an open transaction.
type watchedBlobs struct {
	blob.Store
	pool    *pgxpool.Pool
	mu      sync.Mutex
	maxOpen int
}

func (w *watchedBlobs) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	var open int
	_ = w.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND state LIKE 'idle in transaction%'`).Scan(&open)
	w.mu.Lock()
	w.maxOpen = max(w.maxOpen, open)
	w.mu.Unlock()
	return w.Store.Put(ctx, key, r, limit)
}

// TestUploadStoresItsFileOutsideTheTransaction: an upload's file (up to 50 MB, maybe to a
// remote bucket) is stored before the request's transaction opens, so no database
// connection waits inside a transaction while it is written; and a file whose score is not
// recorded after all is deleted.
func TestUploadStoresItsFileOutsideTheTransaction(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	fs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	watched := &watchedBlobs{Store: fs, pool: pool}
	b := setup(t, setupOpts{blobs: watched})
	watched.pool = b.pool
	_, tok := b.user(t, "store@example.com")
	body, ct := multipartBody(t, "score.pdf", scorePDF(2), nil)
	resp, data := b.do(t, http.MethodPost, "/api/scores", body, http.Header{"Authorization": {"Bearer " + tok},
		"Content-Type": {ct}, "Idempotency-Key": {"store-1"}})
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	watched.mu.Lock()
	require.Zero(t, watched.maxOpen, "no transaction was open while the file was written")
	watched.mu.Unlock()
}

// TestRouteBodyLimits: a route takes the body it needs (a whole account on import, a sync
// push: HTTP_MAX_BODY_BYTES; others 256 KiB), read only once the request is allowed: an
// unauthenticated body is never read.
func TestRouteBodyLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{}) // HTTP_MAX_BODY_BYTES 4 MiB
	_, tok := b.user(t, "limits@example.com")
	big := `{"practiced_at":"2026-11-01T10:00:00Z","duration_minutes":10,"type":"practice","notes":"` + strings.Repeat("n", 300<<10) + `"}`
	resp, data := b.call(t, http.MethodPost, "/api/logbook/entries", tok, big, nil)
	requireError(t, resp, data, http.StatusRequestEntityTooLarge, "payload_too_large")
	require.Contains(t, string(data), "256 KB")

	// 300 KiB of an account: read whole, and judged on what it says.
	account := `{"version":1,"logbook":[{"id":"` + uuid.NewString() + `","practiced_at":"2026-11-01T10:00:00Z","duration_minutes":10,"type":"practice","notes":"` +
		strings.Repeat("n", 300<<10) + `"}]}`
	resp, data = b.call(t, http.MethodPost, "/api/import", tok, account, nil)
	require.NotEqual(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(data))

	// Without a valid token the body is not read: a request that declares 3 MiB is answered
	// 401 once the 8 KiB the server pre-reads (fasthttp's fixed look-ahead) were sent.
	// (Sending all of it races the server's close of the connection: the client's write, or
	// its read of the answer, may fail with a reset; a CI run saw it.)
	status, _, _ := rawRequest(t, b, "POST /api/logbook/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
		"Content-Length: "+strconv.Itoa(3<<20)+"\r\n", bytes.Repeat([]byte("x"), 8<<10))
	require.Equal(t, "401 Unauthorized", status)
}

// TestLargeUploadsAreReadByThePipeline: reading a PDF holds all of it in memory, so an
// upload larger than SCORE_CHECK_MAX_BYTES gets only the cheap checks in its request (size,
// signature: still a 422) and is read by the split step, which counts its pages, or fails
// the score with the reason when the file is damaged. Smaller files are read in the request.
func TestLargeUploadsAreReadByThePipeline(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{checkMaxBytes: 64 << 10})
	b.startWorkers(t)
	_, tok := b.user(t, "large@example.com")

	valid := pdftest.Build(pdftest.Doc{Pages: [][]string{{"Etude"}, {"two"}, {"three"}}, Info: map[string]string{"Title": "Etude in E"},
		Padding: 200 << 10})
	sc := b.upload(t, tok, "etude.pdf", valid, nil)
	require.Zero(t, sc.PageCount, "not read yet")
	require.Equal(t, int64(len(valid)), sc.SizeBytes)
	ready := b.waitScore(t, tok, sc.ID.String(), store.ScoreReady)
	require.Equal(t, 3, ready.PageCount)
	var title string
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT pdf_info->>'Title' FROM scores WHERE id = $1`, sc.ID).Scan(&title))
	require.Equal(t, "Etude in E", title, "the information dictionary, read by the split step")

	damaged := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("not a PDF object\n"), 10<<10)...)
	sc = b.upload(t, tok, "damaged.pdf", damaged, nil)
	failed := b.waitScore(t, tok, sc.ID.String(), store.ScoreFailed)
	require.NotNil(t, failed.Pipeline.Error)
	require.Contains(t, *failed.Pipeline.Error, "damaged")

	// What costs nothing is still checked in the request.
	resp, data := b.uploadRaw(t, tok, "big.txt", bytes.Repeat([]byte("text "), 20<<10), nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "invalid_pdf")
	// And a small damaged file is refused at once.
	resp, data = b.uploadRaw(t, tok, "small.pdf", []byte("%PDF-1.7\nnot really"), nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "invalid_pdf")
}

// TestUploadRetryWithANewBoundary: an upload retried with its Idempotency-Key is the same
// request when it carries the same fields and files, however the form is framed (a browser
// builds a new boundary for every FormData), and another when a file differs.
func TestUploadRetryWithANewBoundary(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "retry@example.com")
	pdf := scorePDF(1)
	send := func(data []byte, title string) (*http.Response, []byte) {
		body, ct := multipartBody(t, "etude.pdf", data, map[string]string{"title": title}) // a new random boundary each time
		return b.do(t, http.MethodPost, "/api/scores", body, http.Header{"Authorization": {"Bearer " + tok},
			"Content-Type": {ct}, "Idempotency-Key": {"upload-1"}})
	}
	resp, first := send(pdf, "Etude")
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(first))
	resp, again := send(pdf, "Etude")
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(again))
	require.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
	require.JSONEq(t, string(first), string(again))
	resp, data := send(pdf, "Another title")
	requireError(t, resp, data, http.StatusUnprocessableEntity, "idempotency_key_reused")
	resp, data = send(scorePDF(2), "Etude")
	requireError(t, resp, data, http.StatusUnprocessableEntity, "idempotency_key_reused")
}
