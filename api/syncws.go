package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/mirubato/mirubato/internal/store"
)

// The socket's limits (docs/sync-protocol.md).
const (
	wsMaxMessage     = 1 << 20          // bytes per message from the client
	wsHelloTimeout   = 10 * time.Second // for the first message, HELLO
	wsIdleTimeout    = 60 * time.Second // without a message or a pong
	wsPingInterval   = 25 * time.Second
	wsWriteTimeout   = 10 * time.Second
	wsMessagesPerSec = 20 // per connection, with bursts of wsBurst
	wsBurst          = 40
	wsMaxViolations  = 50 // messages refused for the rate: then the connection is closed
	wsQueue          = 64 // messages waiting to be written; a client this far behind is dropped
)

// Close codes beyond the standard ones.
const (
	closeTokenExpired = 4001
	closeTooSlow      = 4002
	closeAccountGone  = 4003
	closeResync       = 4004 // the changes after the device's cursor are no longer kept
)

// wsMessage is every message of the protocol: type says which fields are set.
type wsMessage struct {
	Type      string          `json:"type"`
	DeviceID  string          `json:"device_id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Cursor    *int64          `json:"cursor,omitempty"`
	Changes   json.RawMessage `json:"changes,omitempty"`
	Applied   []pushResult    `json:"applied,omitempty"`
	Conflicts []pushResult    `json:"conflicts,omitempty"`
	More      *bool           `json:"more,omitempty"`
	Code      string          `json:"code,omitempty"`
	Message   string          `json:"message,omitempty"`

	// closeCode, when set, closes the connection once the message is written.
	closeCode   int
	closeReason string
}

// syncUpgrade checks a WebSocket request before it is upgraded: a signed-in user (the
// authenticate middleware ran), a token whose expiry is known, and, when the token came in a
// cookie, a page of our own origin (a cookie alone would let any site's page connect).
func (s *Server) syncUpgrade(c *fiber.Ctx) error {
	if !fws.IsWebSocketUpgrade(c) {
		return &Error{Status: http.StatusUpgradeRequired, Code: "upgrade_required", Message: "this endpoint speaks WebSocket only; see docs/sync-protocol.md"}
	}
	tok, from := credential(c)
	if from == fromCookie {
		origin := c.Get(fiber.HeaderOrigin)
		if origin == "" || !strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://"), c.Hostname()) {
			return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "a socket authenticated by cookie must come from this site's pages"}
		}
	}
	_, expires, err := s.sessions.Tokens().VerifyExpiry(tok)
	if err != nil {
		return unauthorized("the access token is invalid or expired; refresh it or sign in again")
	}
	c.Locals("token_expires", expires)
	return fws.New(s.syncSocket, fws.Config{ReadBufferSize: 4096, WriteBufferSize: 4096})(c)
}

// syncConn is one device's socket.
type syncConn struct {
	s       *Server
	ws      *fws.Conn
	user    *store.User
	id      uuid.UUID // the connection's, for presence
	device  string
	cursor  int64 // the last change sent (or, before the catch-up, the device's own)
	out     chan wsMessage
	closing chan struct{}
	once    sync.Once
	// closeCode and closeReason are the close frame's, set once before closing is closed.
	closeCode   int
	closeReason string
}

func (s *Server) syncSocket(ws *fws.Conn) {
	user, _ := ws.Locals("user").(*store.User)
	expires, _ := ws.Locals("token_expires").(time.Time)
	sc := &syncConn{s: s, ws: ws, user: user, id: uuid.New(), out: make(chan wsMessage, wsQueue), closing: make(chan struct{})}
	ws.SetReadLimit(wsMaxMessage)
	ctx, cancel := context.WithCancel(s.liveCtx)
	defer cancel()

	writerDone := make(chan struct{})
	go func() { defer close(writerDone); sc.write(ctx, expires) }()
	defer func() { <-writerDone }()
	defer sc.close(websocket.CloseNormalClosure, "")

	hello, ok := sc.readHello()
	if !ok {
		return
	}
	sc.device = hello.DeviceID
	if hello.Cursor != nil {
		sc.cursor = *hello.Cursor
	}
	if err := store.SeeDevice(ctx, s.pool, user.ID, sc.device, hello.Name, sc.cursor); err != nil {
		sc.fail("internal", "something went wrong on our side; reconnect later")
		return
	}
	if err := store.OpenConnection(ctx, s.pool, sc.id, user.ID, sc.device); err != nil {
		sc.fail("internal", "something went wrong on our side; reconnect later")
		return
	}
	defer func() { _ = store.CloseConnection(context.WithoutCancel(ctx), s.pool, sc.id) }()
	latest, err := store.ChangeCursor(ctx, s.pool, user.ID)
	if err != nil {
		sc.fail("internal", "something went wrong on our side; reconnect later")
		return
	}
	ahead := sc.cursor > latest
	if ahead {
		// A cursor this server never gave out (another database, a restored backup): the
		// device gets everything again.
		sc.cursor = 0
	}
	if kept, err := store.ChangesKept(ctx, s.pool, user.ID, sc.cursor); err != nil {
		sc.fail("internal", "something went wrong on our side; reconnect later")
		return
	} else if !kept {
		sc.resync(ctx)
		<-sc.closing // the writer sends the ERROR, then closes
		return
	}
	sc.send(wsMessage{Type: "WELCOME", DeviceID: sc.device, Cursor: &latest})
	if ahead {
		sc.send(errorMessage("cursor_ahead", "your cursor is past the latest change; everything is sent again"))
	}

	sub := s.hub.Subscribe(user.ID, sc.device)
	defer s.hub.Unsubscribe(sub)
	go sc.deliver(ctx, sub.Wake)
	sc.read(ctx)
}

// readHello waits for HELLO.
func (sc *syncConn) readHello() (wsMessage, bool) {
	_ = sc.ws.SetReadDeadline(time.Now().Add(wsHelloTimeout))
	for {
		var m wsMessage
		if !sc.readMessage(&m) {
			return m, false
		}
		if m.Type != "HELLO" {
			sc.send(errorMessage("hello_first", "send HELLO {device_id, cursor} first"))
			continue
		}
		if !deviceIDPattern.MatchString(m.DeviceID) || (m.Cursor != nil && *m.Cursor < 0) || len(m.Name) > 100 ||
			checkText("", "name", m.Name) != nil {
			sc.send(errorMessage("bad_hello", "HELLO needs a device_id of 1 to 100 letters, digits or . _ : -, a cursor ≥ 0 and a name of at most 100 bytes of text"))
			continue
		}
		return m, true
	}
}

// readMessage reads one JSON message; a malformed one is answered with ERROR. false: the
// connection is done.
func (sc *syncConn) readMessage(m *wsMessage) bool {
	for {
		*m = wsMessage{}
		kind, data, err := sc.ws.ReadMessage()
		if err != nil {
			return false
		}
		if kind != websocket.TextMessage || !utf8.Valid(data) || json.Unmarshal(data, m) != nil || m.Type == "" {
			sc.send(errorMessage("malformed", "messages are JSON objects with a type; see docs/sync-protocol.md"))
			continue
		}
		return true
	}
}

// read serves the client's messages until the connection ends.
func (sc *syncConn) read(ctx context.Context) {
	limiter := rate.NewLimiter(wsMessagesPerSec, wsBurst)
	violations, limited := 0, false
	sc.ws.SetPongHandler(func(string) error { return sc.ws.SetReadDeadline(time.Now().Add(wsIdleTimeout)) })
	for {
		_ = sc.ws.SetReadDeadline(time.Now().Add(wsIdleTimeout))
		var m wsMessage
		if !sc.readMessage(&m) {
			return
		}
		if !limiter.Allow() {
			if violations++; violations > wsMaxViolations {
				sc.close(websocket.ClosePolicyViolation, "too many messages")
				return
			}
			// One ERROR per run of refused messages: answering each would fill the queue of
			// a client that floods without reading, and drop it as too slow (4002) instead of
			// telling it why (rate_limited, then 1008).
			if !limited {
				sc.send(errorMessage("rate_limited", "too many messages; slow down"))
			}
			limited = true
			continue
		}
		limited = false
		switch m.Type {
		case "PING":
			sc.send(wsMessage{Type: "PONG"})
		case "PUSH":
			sc.push(ctx, m.Changes)
		case "HELLO":
			sc.send(errorMessage("already_hello", "HELLO was already received on this connection"))
		default:
			sc.send(errorMessage("unknown_type", "unknown message type "+strings.ToValidUTF8(m.Type, "")))
		}
	}
}

// push applies a PUSH. A change that can never be applied (not valid as its REST write
// would not be: text that is not UTF-8, a number out of range, a missing field) is rejected
// on its own, in the ACK, with the reason; only a failure a retry may get past (the
// database unavailable or failing) is an ERROR that asks for the push again.
func (sc *syncConn) push(ctx context.Context, raw json.RawMessage) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 || len(list) > 100 {
		sc.send(errorMessage("bad_push", "PUSH carries changes: a list of 1 to 100 changes"))
		return
	}
	changes := make([]syncChange, 0, len(list))
	var rejected []pushResult
	for i, data := range list {
		ch, problem := sc.s.decodeChange(data)
		if problem != "" {
			rejected = append(rejected, ch.result().reject("changes["+strconv.Itoa(i)+"]: "+problem))
			continue
		}
		changes = append(changes, ch)
	}
	// Pushed changes count against the user's writes, as REST writes do.
	if hits, err := store.HitN(ctx, sc.s.pool, "writes:"+sc.user.ID.String(), len(changes), time.Minute, sc.s.now()); errors.Is(err, store.ErrLimitBusy) {
		sc.send(errorMessage("rate_limited", "too many writes at once; push these changes again in a second"))
		return
	} else if err != nil {
		sc.retryLater(ctx, err)
		return
	} else if hits > writesPerUser {
		sc.send(errorMessage("rate_limited", "too many writes this minute; push these changes again later"))
		return
	}
	ack, err := sc.s.applyChanges(ctx, sc.user, sc.device, changes)
	if err != nil {
		sc.retryLater(ctx, err)
		return
	}
	// No cursor: the user's latest change may not have reached this socket yet.
	sc.send(wsMessage{Type: "ACK", Applied: ack.Applied, Conflicts: append(ack.Conflicts, rejected...)})
}

// retryLater answers a PUSH that failed on our side: the change that failed was not applied
// (its transaction rolled back), those before it were; the PUSH may be sent again whole, since
// a change already applied is answered with its first result.
func (sc *syncConn) retryLater(ctx context.Context, err error) {
	if store.Unavailable(err) {
		sc.s.logger.WarnContext(ctx, "database unavailable for a push", slog.Any("error", err), slog.String("user_id", sc.user.ID.String()))
		sc.send(errorMessage("unavailable", "the server cannot reach its database right now; push these changes again shortly"))
		return
	}
	sc.s.logger.ErrorContext(ctx, "error applying pushed changes", slog.Any("error", err), slog.String("user_id", sc.user.ID.String()))
	sc.send(errorMessage("internal", "the changes could not be applied; push them again"))
}

// deliver sends the user's changes after the connection's cursor whenever woken: first the
// catch-up as BULK_SYNC pages, then CHANGES. The device's own changes are skipped (its
// cursor still moves past them).
func (sc *syncConn) deliver(ctx context.Context, wake <-chan struct{}) {
	first := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-sc.closing:
			return
		case <-wake:
		}
		for {
			changes, more, err := store.ChangesSince(ctx, sc.s.pool, sc.user.ID, sc.cursor, syncPage)
			if errors.Is(err, store.ErrChangesPruned) { // pruned since HELLO's check
				sc.resync(ctx)
				return
			}
			if err != nil {
				if ctx.Err() == nil {
					sc.s.logger.WarnContext(ctx, "error reading changes for a socket", "error", err)
					sc.close(websocket.CloseTryAgainLater, "the server could not read your changes; reconnect")
				}
				return
			}
			if len(changes) == 0 && !first {
				break
			}
			if len(changes) > 0 {
				sc.cursor = changes[len(changes)-1].Seq
			}
			theirs := changes[:0]
			for _, c := range changes {
				if c.DeviceID != sc.device {
					theirs = append(theirs, c)
				}
			}
			if len(theirs) > 0 || first {
				data, _ := json.Marshal(theirs)
				cursor := sc.cursor
				m := wsMessage{Type: "CHANGES", Changes: data, Cursor: &cursor}
				if first {
					m.Type, m.More = "BULK_SYNC", &more
				}
				if !sc.sendWait(ctx, m) {
					return
				}
			}
			if !more {
				break
			}
		}
		first = false // the catch-up ends with a BULK_SYNC whose more is false, even an empty one
	}
}

// send queues a message for the writer; false when the connection is closing. A client too
// slow to take its messages is disconnected (it catches up from its cursor on reconnect).
func (sc *syncConn) send(m wsMessage) bool {
	select {
	case <-sc.closing:
		return false
	default:
	}
	select {
	case sc.out <- m:
		return true
	default:
		sc.close(closeTooSlow, "too far behind; reconnect and resume from your cursor")
		return false
	}
}

// sendWait queues a change message, waiting for room: a client reading a long catch-up at
// its own pace is not dropped (a client that stops reading is, by the write deadline).
func (sc *syncConn) sendWait(ctx context.Context, m wsMessage) bool {
	select {
	case sc.out <- m:
		return true
	case <-sc.closing:
		return false
	case <-ctx.Done():
		return false
	}
}

// resync tells the device that the changes after its cursor are no longer kept, then closes:
// it reads the whole account again (GET /api/export) and reconnects from the export's cursor.
func (sc *syncConn) resync(ctx context.Context) {
	m := errorMessage("resync_required", "the changes after your cursor are no longer kept; read the whole account again (GET /api/export) and reconnect with its sync_cursor")
	m.closeCode, m.closeReason = closeResync, "resync required"
	sc.sendWait(ctx, m)
}

func (sc *syncConn) fail(code, message string) {
	sc.send(errorMessage(code, message))
	sc.close(websocket.CloseInternalServerErr, message)
}

// close ends the connection once: the writer sends what was queued before it (the ERROR
// that says why, the answers before it) and then the close frame.
func (sc *syncConn) close(code int, reason string) {
	sc.once.Do(func() {
		sc.closeCode, sc.closeReason = code, reason
		close(sc.closing)
		_ = sc.ws.SetReadDeadline(time.Now()) // unblocks the reader
	})
}

// finish is the writer's last act: flush the queue (within a second in all, unless the
// client is why the connection ends: it does not read, or is gone) and send the close frame.
func (sc *syncConn) finish() {
	deadline := time.Now().Add(time.Second)
	if sc.closeCode != closeTooSlow && sc.closeCode != websocket.CloseNormalClosure && sc.closeCode != websocket.CloseGoingAway {
		_ = sc.ws.SetWriteDeadline(deadline)
	flush:
		for {
			select {
			case m := <-sc.out:
				if sc.ws.WriteJSON(m) != nil {
					break flush
				}
			default:
				break flush
			}
		}
	}
	_ = sc.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(sc.closeCode, sc.closeReason), deadline)
}

// write is the connection's only writer: queued messages, pings, and the close when the
// token expires or the server stops.
func (sc *syncConn) write(ctx context.Context, expires time.Time) {
	ping := time.NewTicker(wsPingInterval)
	defer ping.Stop()
	heartbeat := time.NewTicker(store.DeviceHeartbeat)
	defer heartbeat.Stop()
	expiry := time.NewTimer(time.Until(expires))
	defer expiry.Stop()
	defer sc.finish() // every way out of the loop below has closed the connection first
	for {
		select {
		case <-sc.closing:
			return
		case <-ctx.Done():
			sc.close(websocket.CloseGoingAway, "the server is restarting; reconnect")
			return
		case <-expiry.C:
			sc.writeJSON(errorMessage("token_expired", "the access token expired; refresh it and reconnect"))
			sc.close(closeTokenExpired, "token expired")
			return
		case <-ping.C:
			if err := sc.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteTimeout)); err != nil {
				sc.close(websocket.CloseGoingAway, "")
				return
			}
		case <-heartbeat.C:
			_ = store.RefreshConnection(ctx, sc.s.pool, sc.id)
			if u, err := store.GetUser(ctx, sc.s.pool, sc.user.ID); errors.Is(err, store.ErrNotFound) || (err == nil && u.DeletedAt != nil) {
				sc.writeJSON(errorMessage("account_gone", "this account was deleted"))
				sc.close(closeAccountGone, "account deleted")
				return
			}
		case m := <-sc.out:
			if !sc.writeJSON(m) {
				sc.close(websocket.CloseGoingAway, "")
				return
			}
			if m.closeCode != 0 {
				sc.close(m.closeCode, m.closeReason)
				return
			}
		}
	}
}

func (sc *syncConn) writeJSON(m wsMessage) bool {
	_ = sc.ws.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
	return sc.ws.WriteJSON(m) == nil
}

func errorMessage(code, message string) wsMessage {
	return wsMessage{Type: "ERROR", Code: code, Message: message}
}
