// Command sync measures real-time sync: clients WebSocket clients (two devices per user,
// each user's devices on different API processes) connected to 2 `mirubato api` processes,
// with 1 `mirubato worker` running the fan-out jobs; pushes at a fixed rate from one device,
// latency until the other device receives the change. In the same run, the floor: a bare
// WebSocket echo round trip on loopback at the same rate.
//
// The load is open-loop: push i is due at start + i/rate and its latency is measured from
// that moment. The last line printed is one JSON object:
//
//	{"clients":1000, "api_processes":2, "pushes_per_s":…, "p50_ms":…, "p99_ms":…, "echo_p99_ms":…}
//
// Usage: make build && DATABASE_URL=… go run ./ops/bench/sync [-users 500] [-rate 200] [-seconds 10]
// (or make bench-sync).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/google/uuid"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/ops/bench/benchproc"
)

type result struct {
	Clients      int     `json:"clients"`
	APIProcesses int     `json:"api_processes"`
	PushesPerS   float64 `json:"pushes_per_s"`
	P50MS        float64 `json:"p50_ms"`
	P99MS        float64 `json:"p99_ms"`
	EchoP50MS    float64 `json:"echo_p50_ms"`
	EchoP99MS    float64 `json:"echo_p99_ms"`
	RatioP99     float64 `json:"ratio_p99"`
	Pushes       int     `json:"pushes"`
	Lost         int     `json:"lost"`
}

func main() {
	users := flag.Int("users", 500, "users, with two connected devices each")
	rate := flag.Int("rate", 100, "pushes per second")
	seconds := flag.Int("seconds", 10, "seconds of load")
	bin := flag.String("bin", "bin/mirubato", "the mirubato binary (make build)")
	flag.Parse()
	if err := run(context.Background(), *bin, *users, *rate, *seconds); err != nil {
		fmt.Fprintln(os.Stderr, "bench/sync:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin string, users, rate, seconds int) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	const secret = "bench-secret-bench-secret-bench-secret"
	logger := logging.New(os.Stderr, cfg)
	pool, dbURL, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_sync", logger)
	if err != nil {
		return err
	}
	defer cleanup()
	tokens, err := auth.NewTokens(secret, nil)
	if err != nil {
		return err
	}
	env := []string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=development", "AUTH_SECRET=" + secret, "LOG_LEVEL=warn"}
	var urls []string
	for range 2 {
		u, stop, err := benchproc.Start(ctx, exec.CommandContext(ctx, bin, "api"), env...)
		if err != nil {
			return fmt.Errorf("error starting %s (make build first): %w", bin, err)
		}
		defer stop()
		urls = append(urls, "ws"+strings.TrimPrefix(u, "http")+"/api/sync/ws")
	}
	worker := exec.CommandContext(ctx, bin, "worker")
	worker.Env, worker.Stderr = append(os.Environ(), env...), os.Stderr
	if err := worker.Start(); err != nil {
		return err
	}
	defer func() { _ = worker.Process.Signal(os.Interrupt); _ = worker.Wait() }()

	// Connect every device: user i's phone to process i%2, its laptop to the other.
	pairs := make([]*pair, users)
	fmt.Fprintf(os.Stderr, "connecting %d clients\n", 2*users)
	for i := range users {
		u, err := store.EnsureUser(ctx, pool, fmt.Sprintf("sync%d@example.com", i))
		if err != nil {
			return err
		}
		tok, err := tokens.Issue(u.ID, time.Hour)
		if err != nil {
			return err
		}
		p := &pair{}
		if p.phone, err = dial(urls[i%2], tok, "phone"); err != nil {
			return err
		}
		if p.laptop, err = dial(urls[(i+1)%2], tok, "laptop"); err != nil {
			return err
		}
		pairs[i] = p
	}
	var mu sync.Mutex
	sent := map[string]time.Time{} // entity id → when its push was due
	var lat []float64
	for _, p := range pairs {
		go p.laptop.receive(func(ids []string) {
			now := time.Now()
			mu.Lock()
			for _, id := range ids {
				if due, ok := sent[id]; ok {
					lat = append(lat, float64(now.Sub(due).Microseconds())/1000)
					delete(sent, id)
				}
			}
			mu.Unlock()
		})
		go p.phone.receive(func([]string) {})
	}

	// Warm up, then the measured load.
	fmt.Fprintf(os.Stderr, "load: %d pushes/s for %d s\n", rate, seconds)
	load(pairs, rate, 2, &mu, sent)
	time.Sleep(2 * time.Second)
	mu.Lock()
	lat, sent = nil, map[string]time.Time{}
	mu.Unlock()
	elapsed := load(pairs, rate, seconds, &mu, sent)
	time.Sleep(3 * time.Second) // stragglers
	mu.Lock()
	lost := len(sent)
	measured := slices.Clone(lat)
	mu.Unlock()
	for _, p := range pairs {
		p.phone.ws.Close()
		p.laptop.ws.Close()
	}

	echo, err := echoFloor(ctx, rate, seconds)
	if err != nil {
		return err
	}
	res := result{Clients: 2 * users, APIProcesses: 2, PushesPerS: round(float64(len(measured)+lost) / elapsed.Seconds()),
		P50MS: round(pct(measured, 50)), P99MS: round(pct(measured, 99)), EchoP50MS: round(pct(echo, 50)),
		EchoP99MS: round(pct(echo, 99)), Pushes: len(measured) + lost, Lost: lost}
	if res.EchoP99MS > 0 {
		res.RatioP99 = round(res.P99MS / res.EchoP99MS)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

type pair struct{ phone, laptop *client }

type client struct {
	ws *websocket.Conn
	mu sync.Mutex // one writer at a time
}

func dial(url, tok, device string) (*client, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.Dial(url, http.Header{"Authorization": {"Bearer " + tok}})
	if err != nil {
		return nil, fmt.Errorf("error connecting: %w", err)
	}
	resp.Body.Close()
	c := &client{ws: ws}
	if err := c.write(map[string]any{"type": "HELLO", "device_id": device, "cursor": 0}); err != nil {
		return nil, err
	}
	for { // WELCOME, then the (empty) catch-up
		var m struct {
			Type string `json:"type"`
			More bool   `json:"more"`
		}
		if err := ws.ReadJSON(&m); err != nil {
			return nil, err
		}
		if m.Type == "BULK_SYNC" && !m.More {
			return c, nil
		}
	}
}

func (c *client) write(m any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteJSON(m)
}

// receive reads messages until the connection ends, passing the entity ids of CHANGES on.
func (c *client) receive(got func(ids []string)) {
	for {
		var m struct {
			Type    string `json:"type"`
			Changes []struct {
				ID string `json:"id"`
			} `json:"changes"`
		}
		if err := c.ws.ReadJSON(&m); err != nil {
			return
		}
		if m.Type == "CHANGES" {
			ids := make([]string, len(m.Changes))
			for i, ch := range m.Changes {
				ids[i] = ch.ID
			}
			got(ids)
		}
	}
}

// load pushes a new logbook entry from one phone after another, rate a second for seconds.
func load(pairs []*pair, rate, seconds int, mu *sync.Mutex, sent map[string]time.Time) time.Duration {
	n := rate * seconds
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	for i := range n {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(due))
		p := pairs[int(next.Add(1))%len(pairs)]
		id := uuid.NewString()
		mu.Lock()
		sent[id] = due
		mu.Unlock()
		wg.Go(func() {
			_ = p.phone.write(map[string]any{"type": "PUSH", "changes": []any{map[string]any{
				"client_change_id": id, "entity": "logbook_entry", "id": id, "op": "upsert", "base_version": 0,
				"client_ts": time.Now().UTC().Format(time.RFC3339Nano),
				"data": map[string]any{"practiced_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
					"duration_minutes": 20, "type": "practice", "notes": "bench"}}}})
		})
	}
	wg.Wait()
	return time.Since(start)
}

// echoFloor measures a bare WebSocket echo round trip on loopback at the same rate.
func echoFloor(ctx context.Context, rate, seconds int) ([]float64, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	up := websocket.Upgrader{}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			kind, data, err := ws.ReadMessage()
			if err != nil || ws.WriteMessage(kind, data) != nil {
				return
			}
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	const conns = 100
	clients := make([]*client, conns)
	for i := range clients {
		ws, resp, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/", nil)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		clients[i] = &client{ws: ws}
	}
	var mu sync.Mutex
	var lat []float64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range rate * seconds {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(due))
		c := clients[i%conns]
		wg.Go(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"PING","pad":"`+strings.Repeat("x", 300)+`"}`)) != nil {
				return
			}
			if _, _, err := c.ws.ReadMessage(); err == nil {
				mu.Lock()
				lat = append(lat, float64(time.Since(due).Microseconds())/1000)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, c := range clients {
		c.ws.Close()
	}
	return lat, nil
}

func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(p/100*float64(len(s))))-1)]
}

func round(v float64) float64 { return math.Round(v*100) / 100 }
