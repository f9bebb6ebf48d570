package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/store"
)

// keyWait is how long a request waits for another one with the same Idempotency-Key to
// commit or roll back before answering 409 in_progress.
const keyWait = 10 * time.Second

// writeTx is the transaction of a write request: the write, the jobs that follow from it
// and the response kept for its Idempotency-Key commit together or not at all. A retry
// after any failure, a crash of this process included, finds the write and its response,
// or neither.
type writeTx struct {
	s      *Server
	user   uuid.UUID
	synced bool   // the route writes synced data: the fan-out job is part of the write
	device string // X-Device-Id, recorded with the changes
	key    string // Idempotency-Key ("": none)
	hash   []byte // of the request the key was sent with
	tx     pgx.Tx
	// undo runs when the transaction does not commit: what the write did outside the
	// database (a stored file) is taken back.
	undo []func(context.Context)
}

type writeTxKey struct{}

// replayed is a stored response found for the request's key when it came to write.
type replayed struct{ rec *store.IdempotentResponse }

func (replayed) Error() string { return "replayed an idempotent response" }

// writeTxFor is the middleware of routes that write synced data (synced) or honour
// Idempotency-Key (idempotent): it opens the request's transaction (at once for synced
// routes, whose handlers are short; for the others when the handler is ready to write,
// after it has read and checked the request), and commits it when the handler succeeded.
func (s *Server) writeTxFor(synced, idempotent bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		w := &writeTx{s: s, user: currentUser(c).ID, synced: synced}
		if synced {
			w.device = c.Get("X-Device-Id")
			if w.device != "" && !deviceIDPattern.MatchString(w.device) {
				return invalid("X-Device-Id must be 1 to 100 letters, digits or . _ : -", FieldError{Field: "X-Device-Id", Message: "not a device id"})
			}
			w.device = strings.Clone(w.device) // kept in the transaction's settings: a copy
		}
		if key := c.Get("Idempotency-Key"); idempotent && key != "" {
			if len(key) > 200 {
				return badRequest("Idempotency-Key must be at most 200 characters")
			}
			w.key = strings.Clone(key)
			w.hash = requestHash(c)
			// A completed request is answered at once, before any work.
			prev, err := store.IdempotentResult(ctx, s.pool, w.user, w.key)
			if err == nil {
				return w.replay(c, prev)
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		c.Locals(writeTxKey{}, w)
		defer w.rollback(ctx)
		if synced {
			if _, err := w.begin(ctx); err != nil {
				return w.answer(c, err)
			}
		}
		if err := c.Next(); err != nil {
			return w.answer(c, err)
		}
		if w.tx == nil || c.Response().StatusCode() >= http.StatusBadRequest {
			return nil // nothing written, or refused: rolled back, and a retry runs again
		}
		return w.commit(ctx, c)
	}
}

// requestHash identifies the request a key was sent with: method, route and body.
func requestHash(c *fiber.Ctx) []byte {
	h := sha256.New()
	h.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	if f := formOf(c); f != nil {
		h.Write(f.sum)
	} else {
		h.Write(c.Body())
	}
	return h.Sum(nil)
}

// begin opens the transaction, claiming the request's key in it.
func (w *writeTx) begin(ctx context.Context) (pgx.Tx, error) {
	if w.tx != nil {
		return w.tx, nil
	}
	tx, err := w.s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	w.tx = tx
	if w.synced {
		if err := store.SetChangeOrigin(ctx, tx, w.device, time.Time{}); err != nil {
			return nil, err
		}
	}
	if w.key != "" {
		prev, claimed, err := store.ClaimIdempotencyKey(ctx, tx, w.user, w.key, w.hash, keyWait)
		if err != nil {
			return nil, err
		}
		if !claimed {
			return nil, replayed{prev}
		}
	}
	return tx, nil
}

// commit records what follows from the write (the fan-out of synced data), the response to
// replay, and commits.
func (w *writeTx) commit(ctx context.Context, c *fiber.Ctx) error {
	if w.synced {
		if err := w.s.afterWrite(ctx, w.tx, w.user); err != nil {
			return err
		}
	}
	if w.key != "" {
		if err := store.CompleteIdempotencyKey(ctx, w.tx, w.user, w.key, c.Response().StatusCode(), bytes.Clone(c.Response().Body())); err != nil {
			return err
		}
	}
	if err := w.tx.Commit(ctx); err != nil {
		// The commit may have happened (the connection broke after it): what was written
		// outside the database stays, since the score may need it (at worst an orphan file).
		w.undo = nil
		return err
	}
	w.tx, w.undo = nil, nil
	return nil
}

// rollback ends a transaction that was not committed (or never opened), and undoes what
// was done outside it.
func (w *writeTx) rollback(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	if w.tx != nil {
		_ = w.tx.Rollback(ctx)
		w.tx = nil
	}
	for _, f := range w.undo {
		f(ctx)
	}
	w.undo = nil
}

// answer turns the errors of the key's claim into their responses; others pass on.
func (w *writeTx) answer(c *fiber.Ctx, err error) error {
	var r replayed
	switch {
	case errors.As(err, &r):
		w.rollback(c.UserContext())
		return w.replay(c, r.rec)
	case errors.Is(err, store.ErrKeyInFlight):
		return &Error{Status: http.StatusConflict, Code: "in_progress",
			Message: "a request with this Idempotency-Key is still being processed; retry shortly"}
	}
	return err
}

// replay answers with the stored response of the key, if it was sent with this request.
func (w *writeTx) replay(c *fiber.Ctx, prev *store.IdempotentResponse) error {
	if !bytes.Equal(prev.RequestHash, w.hash) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused",
			Message: "this Idempotency-Key was already used for a different request"}
	}
	c.Set("Idempotent-Replayed", "true")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(*prev.Status).Send(prev.Body)
}

// requestTx returns the request's transaction, opening it (and claiming the request's key)
// when the handler is ready to write. Only routes with writeTxFor have one.
func (s *Server) requestTx(c *fiber.Ctx) (pgx.Tx, error) {
	w, ok := c.Locals(writeTxKey{}).(*writeTx)
	if !ok {
		return nil, errors.New("api: the route has no request transaction (synced or idempotent in the route table)")
	}
	return w.begin(c.UserContext())
}

// onRollback runs f if the request's transaction does not commit.
func (s *Server) onRollback(c *fiber.Ctx, f func(context.Context)) {
	if w, ok := c.Locals(writeTxKey{}).(*writeTx); ok {
		w.undo = append(w.undo, f)
	}
}

// db is where a handler reads and writes: the request's transaction when it is open (synced
// routes), else the pool.
func (s *Server) db(c *fiber.Ctx) store.DB {
	if w, ok := c.Locals(writeTxKey{}).(*writeTx); ok && w.tx != nil {
		return w.tx
	}
	return s.pool
}
