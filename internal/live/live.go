// Package live wakes the sync connections of this API process when their user has new
// changes: it LISTENs for the fan-out job's notifications (one connection per process) and
// wakes every local subscriber of the user named. Subscribers read the changes themselves,
// from their own cursor, so a missed or repeated wake-up loses or duplicates nothing.
package live

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Hub is the process's set of subscribers by user.
type Hub struct {
	pool    *pgxpool.Pool
	channel string
	logger  *slog.Logger

	mu    sync.Mutex
	users map[uuid.UUID]map[*Subscription]struct{}
}

// Subscription is one connection's interest in its user's changes. Wake is signalled (never
// blocking; one pending signal is enough) when there may be new changes.
type Subscription struct {
	UserID   uuid.UUID
	DeviceID string
	Wake     chan struct{}
}

// New returns a hub listening on channel once Run starts.
func New(pool *pgxpool.Pool, channel string, logger *slog.Logger) *Hub {
	return &Hub{pool: pool, channel: channel, logger: logger, users: map[uuid.UUID]map[*Subscription]struct{}{}}
}

// Subscribe registers a connection; it is woken once at once (to catch up).
func (h *Hub) Subscribe(userID uuid.UUID, deviceID string) *Subscription {
	s := &Subscription{UserID: userID, DeviceID: deviceID, Wake: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.users[userID] == nil {
		h.users[userID] = map[*Subscription]struct{}{}
	}
	h.users[userID][s] = struct{}{}
	h.mu.Unlock()
	s.wake()
	return s
}

// Unsubscribe forgets a connection.
func (h *Hub) Unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.users[s.UserID], s)
	if len(h.users[s.UserID]) == 0 {
		delete(h.users, s.UserID)
	}
}

func (s *Subscription) wake() {
	select {
	case s.Wake <- struct{}{}:
	default:
	}
}

// Wake wakes the user's subscribers.
func (h *Hub) Wake(userID uuid.UUID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.users[userID] {
		s.wake()
	}
}

// wakeAll wakes every subscriber (after the listening connection was lost, notifications
// may have been missed).
func (h *Hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.users {
		for s := range subs {
			s.wake()
		}
	}
}

// Run listens until ctx ends, reconnecting (with backoff up to 5 s) when the database
// connection is lost.
func (h *Hub) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		h.logger.Warn("sync listener lost its connection; reconnecting", "error", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (h *Hub) listen(ctx context.Context) error {
	pooled, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// Taken out of the pool for good: its LISTEN must not follow it to other users.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck // closing a connection we are done with
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{h.channel}.Sanitize()); err != nil {
		return err
	}
	h.wakeAll() // whatever came while we were not listening
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, err := uuid.Parse(n.Payload)
		if err != nil {
			h.logger.Warn("sync notification with a bad payload", "payload", n.Payload)
			continue
		}
		h.Wake(id)
	}
}
