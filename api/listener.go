package api

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// quietListener remembers the connections it accepted that have not sent a byte yet.
//
// fasthttp marks a new connection active before its first request arrives, so its graceful
// shutdown waits for such a connection (which clients and load balancers open ahead of
// need) until ReadTimeout instead of closing it as idle: a deploy would hang for that long.
// At shutdown the server closes these quiet connections itself; fasthttp still lets
// in-flight requests finish and closes connections idle between requests.
type quietListener struct {
	net.Listener
	mu    sync.Mutex
	quiet map[*watchedConn]struct{}
}

func newQuietListener(ln net.Listener) *quietListener {
	return &quietListener{Listener: ln, quiet: map[*watchedConn]struct{}{}}
}

func (l *quietListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	w := &watchedConn{Conn: c, l: l, accepted: time.Now().UnixNano()}
	l.mu.Lock()
	l.quiet[w] = struct{}{}
	l.mu.Unlock()
	return w, nil
}

// closeQuiet closes the connections that have not sent anything for at least grace.
func (l *quietListener) closeQuiet(grace time.Duration) {
	now := time.Now().UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.quiet {
		if now-w.accepted >= grace.Nanoseconds() {
			_ = w.Conn.Close()
			delete(l.quiet, w)
		}
	}
}

func (l *quietListener) spoke(w *watchedConn) {
	l.mu.Lock()
	delete(l.quiet, w)
	l.mu.Unlock()
}

type watchedConn struct {
	net.Conn
	l        *quietListener
	accepted int64
	spoken   atomic.Bool
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.spoken.Load() {
		c.spoken.Store(true)
		c.l.spoke(c)
	}
	return n, err
}

func (c *watchedConn) Close() error {
	c.l.spoke(c) // forget it either way
	return c.Conn.Close()
}
