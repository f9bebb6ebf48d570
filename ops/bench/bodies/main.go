// Command bodies measures what large request bodies cost the API's memory (issue 19, item 6):
// the resident set of a `mirubato api` process while -n clients at once each send it a body
// of about 50 MB, in one run:
//
//   - JSON routes (POST /api/logbook/entries signed in, POST /api/auth/magic-link signed
//     out), each once with the length declared and once chunked: every one should be
//     refused (413) past HTTP_MAX_BODY_BYTES, having read at most that much;
//   - the upload route (POST /api/scores), multipart: 49 MiB of junk (refused, 422) and a
//     valid 49 MiB PDF (accepted, 202), each read into a temporary file as it arrives and
//     checked from there;
//   - the baseline: this program re-run as a bare Fiber app configured as the API was before
//     bodies were streamed (BodyLimit 51 MiB, no StreamRequestBody: fasthttp reads each body
//     whole before the handler, which then answers 413), under the same JSON load.
//
// Every body is generated as it is sent, never held in memory by the client. Each phase
// runs on a server process of its own (one database): started, warmed up, left quiet for 2 s,
// its idle VmRSS taken, then its VmRSS read from /proc every 10 ms during the phase; the
// phase's figure is its peak less that idle resident set.
// The last line printed is one JSON object:
//
//	{"idle_mb":…, "json_peak_over_idle_mb":…, "upload_pdf_peak_over_idle_mb":…, "baseline_json_peak_over_idle_mb":…, "ratio_json":…, …}
//
// Usage: make build && DATABASE_URL=… go run ./ops/bench/bodies [-n 16] (or make
// bench-bodies). Linux only (/proc). For diagnosis: -phases pdf runs only the PDF uploads,
// -gctrace prints the API's collections, -api-env GOGC=50 sets more of its environment.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mirubato/mirubato/internal/auth"
	"github.com/mirubato/mirubato/internal/logging"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/ops/bench/benchproc"
)

// baselineEnv, set in its environment, makes this program the baseline server.
const baselineEnv = "BENCH_BODIES_BASELINE"

const (
	jsonBodyBytes   = 50 << 20 // a 50 MB body to a JSON route (the size the issue sent)
	uploadFileBytes = 49 << 20 // just under SCORE_MAX_BYTES (50 MiB), so that it is taken
	// The API's limit before bodies were streamed: SCORE_MAX_BYTES + 1 MiB, for every route.
	baselineBodyLimit = 50<<20 + 1<<20
)

type phase struct {
	Name           string         `json:"name"`
	Requests       int            `json:"requests"`
	Statuses       map[string]int `json:"statuses"`
	Expected       int            `json:"expected_status"`
	Unexpected     int            `json:"unexpected"`
	SentMB         float64        `json:"sent_mb"` // what the clients wrote before the answer
	WallMS         float64        `json:"wall_ms"`
	SlowestMS      float64        `json:"slowest_ms"`
	IdleMB         float64        `json:"rss_idle_mb"`
	PeakMB         float64        `json:"rss_peak_mb"`
	HWMMB          float64        `json:"hwm_mb"` // VmHWM at the phase's end
	PeakOverIdleMB float64        `json:"peak_over_idle_mb"`
	// Ours over the baseline's, for the phases both ran.
	RatioToBaseline *float64 `json:"ratio_to_baseline,omitempty"`
}

type result struct {
	N                  int     `json:"n"`
	JSONBodyMB         float64 `json:"json_body_mb"`
	UploadFileMB       float64 `json:"upload_file_mb"`
	MaxBodyMB          float64 `json:"http_max_body_mb"`
	PDFGateSlots       int     `json:"pdf_gate_slots"`
	IdleMB             float64 `json:"idle_mb"`
	HWMMB              float64 `json:"hwm_mb"`
	JSONPeakOverIdleMB float64 `json:"json_peak_over_idle_mb"`
	JunkPeakOverIdleMB float64 `json:"upload_junk_peak_over_idle_mb"`
	PDFPeakOverIdleMB  float64 `json:"upload_pdf_peak_over_idle_mb"`
	BaselineIdleMB     float64 `json:"baseline_idle_mb"`
	BaselineHWMMB      float64 `json:"baseline_hwm_mb"`
	BaselineJSONPeakMB float64 `json:"baseline_json_peak_over_idle_mb"`
	RatioJSON          float64 `json:"ratio_json"`
	TargetMB           float64 `json:"target_mb"`
	Unexpected         int     `json:"unexpected"`
	Phases             []phase `json:"phases"`
	BaselinePhases     []phase `json:"baseline_phases"`
}

func main() {
	if os.Getenv(baselineEnv) != "" {
		if err := serveBaseline(); err != nil {
			fmt.Fprintln(os.Stderr, "bench/bodies baseline:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.IntVar(&o.n, "n", 16, "bodies sent at once")
	flag.StringVar(&o.bin, "bin", "bin/mirubato", "the mirubato binary to measure (make build)")
	phases := flag.String("phases", "json,junk,pdf,baseline", "the phases to run (diagnosis: fewer)")
	apiEnv := flag.String("api-env", "", "more environment of the API, comma-separated (diagnosis: GOGC=50,GOMEMLIMIT=200MiB)")
	gctrace := flag.Bool("gctrace", false, "run the API with GODEBUG=gctrace=1 (its collections on stderr)")
	flag.Parse()
	o.phases = map[string]bool{}
	for p := range strings.SplitSeq(*phases, ",") {
		o.phases[strings.TrimSpace(p)] = true
	}
	if *apiEnv != "" {
		o.apiEnv = strings.Split(*apiEnv, ",")
	}
	if *gctrace {
		o.apiEnv = append(o.apiEnv, "GODEBUG=gctrace=1")
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/bodies:", err)
		os.Exit(1)
	}
}

type options struct {
	n      int
	bin    string
	phases map[string]bool
	apiEnv []string
}

// server is a process under load.
type server struct {
	url  string
	pid  int
	idle int64 // bytes resident once warmed up and quiet
	stop func()
}

// spec is a phase: n bodies made by body, to path, answered with want.
type spec struct {
	name, path string
	header     http.Header
	want       int
	chunked    bool
	body       func() *sized
}

func run(ctx context.Context, o options) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	const secret = "bench-secret-bench-secret-bench-secret"
	logger := logging.New(os.Stderr, cfg)
	pool, dbURL, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_bodies", logger)
	if err != nil {
		return err
	}
	defer cleanup()
	user, err := store.EnsureUser(ctx, pool, "bench-bodies@example.com")
	if err != nil {
		return err
	}
	tokens, err := auth.NewTokens(secret, nil)
	if err != nil {
		return err
	}
	token, err := tokens.Issue(user.ID, time.Hour)
	if err != nil {
		return err
	}
	// The stored scores and the uploads' temporary files go to directories of the run.
	blobDir, err := os.MkdirTemp("", "mirubato-bench-bodies-blobs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(blobDir)
	tmpDir, err := os.MkdirTemp("", "mirubato-bench-bodies-tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	env := append([]string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=development", "AUTH_SECRET=" + secret,
		"LOG_LEVEL=warn", "BLOB_DIR=" + blobDir, "TMPDIR=" + tmpDir}, o.apiEnv...)
	signedIn := http.Header{"Authorization": {"Bearer " + token}}

	res := result{N: o.n, JSONBodyMB: mb(jsonBodyBytes), UploadFileMB: mb(uploadFileBytes), MaxBodyMB: mb(int64(cfg.MaxBodyBytes)),
		PDFGateSlots: runtime.NumCPU(), TargetMB: 100}
	for _, kv := range o.apiEnv { // the API's limit, if -api-env sets it
		if v, ok := strings.CutPrefix(kv, "HTTP_MAX_BODY_BYTES="); ok {
			limit, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("-api-env: %w", err)
			}
			res.MaxBodyMB = mb(limit)
		}
	}

	// Phase A: JSON routes, signed in and not, the length declared and not.
	var jsonSpecs []spec
	for _, r := range []struct {
		name, path string
		header     http.Header
	}{
		{"logbook", "/api/logbook/entries", withType(signedIn, fiber.MIMEApplicationJSON)},
		{"magic-link", "/api/auth/magic-link", withType(nil, fiber.MIMEApplicationJSON)},
	} {
		for _, chunked := range []bool{false, true} {
			name := r.name + " declared"
			if chunked {
				name = r.name + " chunked"
			}
			jsonSpecs = append(jsonSpecs, spec{name: name, path: r.path, header: r.header, want: http.StatusRequestEntityTooLarge,
				chunked: chunked, body: func() *sized { return jsonBody(jsonBodyBytes) }})
		}
	}
	// Phase B: the upload route, junk and a valid PDF.
	uploadHeader := withType(signedIn, "multipart/form-data; boundary="+boundary)
	junk := spec{name: "upload junk", path: "/api/scores", header: uploadHeader, want: http.StatusUnprocessableEntity,
		body: func() *sized { return upload(junkFile(uploadFileBytes)) }}
	valid := spec{name: "upload pdf", path: "/api/scores", header: uploadHeader, want: http.StatusAccepted,
		body: func() *sized { return upload(pdfFile(uploadFileBytes)) }}

	// Each phase runs on a process of its own, so that its figure is what that load costs
	// from idle (a Go heap, once grown, is not returned to the system at once).
	var specs []spec
	if o.phases["json"] {
		specs = append(specs, jsonSpecs...)
	}
	if o.phases["junk"] {
		specs = append(specs, junk)
	}
	if o.phases["pdf"] {
		fmt.Fprintf(os.Stderr, "uploads: the API parses at most %d PDFs at once (one per core, the pdf gate); the others wait their turn\n",
			res.PDFGateSlots)
		specs = append(specs, valid)
	}
	for _, sp := range specs {
		srv, err := startOurs(ctx, o.bin, env, signedIn)
		if err != nil {
			return err
		}
		ph, err := load(srv, o.n, sp)
		srv.stop()
		if err != nil {
			return err
		}
		res.Phases = append(res.Phases, ph)
	}

	// The baseline: the same JSON load on a Fiber app that reads bodies whole.
	if o.phases["baseline"] {
		for _, sp := range jsonSpecs {
			srv, err := startBaseline(ctx)
			if err != nil {
				return err
			}
			ph, err := load(srv, o.n, sp)
			srv.stop()
			if err != nil {
				return err
			}
			res.BaselinePhases = append(res.BaselinePhases, ph)
		}
	}

	for i, p := range res.Phases {
		res.Unexpected += p.Unexpected
		if i == 0 {
			res.IdleMB = p.IdleMB
		}
		res.HWMMB = max(res.HWMMB, p.HWMMB)
		switch p.Name {
		case junk.name:
			res.JunkPeakOverIdleMB = p.PeakOverIdleMB
		case valid.name:
			res.PDFPeakOverIdleMB = p.PeakOverIdleMB
		default:
			res.JSONPeakOverIdleMB = max(res.JSONPeakOverIdleMB, p.PeakOverIdleMB)
		}
	}
	for i, p := range res.BaselinePhases {
		res.Unexpected += p.Unexpected
		if i == 0 {
			res.BaselineIdleMB = p.IdleMB
		}
		res.BaselineHWMMB = max(res.BaselineHWMMB, p.HWMMB)
		res.BaselineJSONPeakMB = max(res.BaselineJSONPeakMB, p.PeakOverIdleMB)
	}
	if res.BaselineJSONPeakMB > 0 {
		res.RatioJSON = round(res.JSONPeakOverIdleMB / res.BaselineJSONPeakMB)
	}
	for i, p := range res.Phases {
		for _, b := range res.BaselinePhases {
			if b.Name == p.Name && b.PeakOverIdleMB > 0 {
				// Four decimals: a refusal by declared length costs ours about 1/10,000th.
				r := float64(int64(p.PeakOverIdleMB/b.PeakOverIdleMB*10000+0.5)) / 10000
				res.Phases[i].RatioToBaseline = &r
			}
		}
	}
	fmt.Fprintf(os.Stderr, "peaks over idle: JSON %.1f MB (baseline %.1f MB, ratio %.3f); upload junk %.1f MB; upload PDF %.1f MB; target < %.0f MB\n",
		res.JSONPeakOverIdleMB, res.BaselineJSONPeakMB, res.RatioJSON, res.JunkPeakOverIdleMB, res.PDFPeakOverIdleMB, res.TargetMB)
	if res.Unexpected > 0 {
		fmt.Fprintf(os.Stderr, "warning: %d answers were not the expected status (see statuses)\n", res.Unexpected)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// startOurs starts `mirubato api`, warms it up and waits until it is quiet. The warm-up (a
// small entry, a small upload) takes the phases' code paths once, so that what they
// allocate on first use (validators, pdfcpu's tables) counts as idle.
func startOurs(ctx context.Context, bin string, env []string, signedIn http.Header) (*server, error) {
	cmd := exec.CommandContext(ctx, bin, "api")
	u, stop, err := benchproc.Start(ctx, cmd, env...)
	if err != nil {
		return nil, fmt.Errorf("error starting %s (make build first): %w", bin, err)
	}
	srv := &server{url: u, pid: cmd.Process.Pid, stop: stop}
	entry := concat(`{"practiced_at":"2026-11-01T10:00:00Z","duration_minutes":10,"type":"practice"}`)
	if st, _, err := send(u, "/api/logbook/entries", withType(signedIn, fiber.MIMEApplicationJSON), entry, entry.n); err != nil || st != http.StatusCreated {
		stop()
		return nil, fmt.Errorf("warm-up entry: %d %w", st, err)
	}
	small := upload(pdfFile(1 << 20))
	if st, _, err := send(u, "/api/scores", withType(signedIn, "multipart/form-data; boundary="+boundary), small, small.n); err != nil || st != http.StatusAccepted {
		stop()
		return nil, fmt.Errorf("warm-up upload: %d %w", st, err)
	}
	if srv.idle, err = settle(srv.pid); err != nil {
		stop()
		return nil, err
	}
	return srv, nil
}

// startBaseline starts this program as the baseline server.
func startBaseline(ctx context.Context) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	u, stop, err := benchproc.Start(ctx, cmd, baselineEnv+"=1")
	if err != nil {
		return nil, err
	}
	srv := &server{url: u, pid: cmd.Process.Pid, stop: stop}
	body := concat("{}")
	if st, _, err := send(u, "/api/logbook/entries", withType(nil, fiber.MIMEApplicationJSON), body, body.n); err != nil || st != http.StatusRequestEntityTooLarge {
		stop()
		return nil, fmt.Errorf("baseline warm-up: %d %w", st, err)
	}
	if srv.idle, err = settle(srv.pid); err != nil {
		stop()
		return nil, err
	}
	return srv, nil
}

// load sends n bodies of sp at once, each made as it is sent, and samples the server's
// resident set meanwhile.
func load(srv *server, n int, sp spec) (phase, error) {
	stopWatch := watch(srv.pid)
	ph := phase{Name: sp.name, Requests: n, Statuses: map[string]int{}, Expected: sp.want, IdleMB: mb(srv.idle)}
	var mu sync.Mutex
	var sent atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for range n {
		wg.Go(func() {
			b := sp.body()
			length := b.n
			if sp.chunked {
				length = -1
			}
			t := time.Now()
			st, w, err := send(srv.url, sp.path, sp.header, b, length)
			d := time.Since(t)
			sent.Add(w)
			mu.Lock()
			defer mu.Unlock()
			key := strconv.Itoa(st)
			if err != nil {
				key = "error: " + err.Error()
			}
			ph.Statuses[key]++
			if err != nil || st != sp.want {
				ph.Unexpected++
			}
			ph.SlowestMS = max(ph.SlowestMS, ms(d))
		})
	}
	wg.Wait()
	ph.WallMS = ms(time.Since(began))
	peak := stopWatch()
	_, hwm, err := status(srv.pid)
	if err != nil {
		return phase{}, err
	}
	ph.PeakMB, ph.PeakOverIdleMB, ph.HWMMB, ph.SentMB = mb(peak), mb(peak-srv.idle), mb(hwm), mb(sent.Load())
	fmt.Fprintf(os.Stderr, "%-20s %v in %5.0f ms (slowest %5.0f ms); sent %6.1f MB; RSS idle %5.1f, peak %6.1f MB: %+6.1f MB over idle\n",
		sp.name, ph.Statuses, ph.WallMS, ph.SlowestMS, ph.SentMB, ph.IdleMB, ph.PeakMB, ph.PeakOverIdleMB)
	return ph, nil
}

// send posts body on a connection of its own and returns the answer's status and how many
// bytes of the request's body were written before it came. length is the body's length,
// declared in Content-Length, or -1 to send it chunked (no length declared). The body is
// written while the answer is read, as a client whose request is refused early sees it.
func send(url, path string, header http.Header, body io.Reader, length int64) (int, int64, error) {
	var d net.Dialer
	conn, err := d.DialContext(context.Background(), "tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n", path)
	_ = header.Write(&head)
	if length >= 0 {
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", length)
	} else {
		head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	}
	if _, err := io.WriteString(conn, head.String()); err != nil {
		return 0, 0, err
	}
	var written atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		cw := &countingWriter{w: conn, n: &written}
		var w io.Writer = cw
		var chunks io.WriteCloser
		if length < 0 {
			chunks = httputil.NewChunkedWriter(cw)
			w = chunks
		}
		if _, err := io.CopyBuffer(w, body, make([]byte, 64<<10)); err != nil {
			return // the server closed the connection: it answered already, or will not
		}
		if chunks != nil {
			_ = chunks.Close()
			_, _ = io.WriteString(cw, "\r\n")
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		_ = conn.Close()
		<-done
		return 0, written.Load(), err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	sent := written.Load()
	_ = conn.Close() // stops a body the server will not read
	<-done
	return resp.StatusCode, sent, nil
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func withType(h http.Header, contentType string) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	out.Set("Content-Type", contentType)
	return out
}

// filler reads n bytes of a repeated pattern: a large body that costs the client nothing.
type filler struct {
	n   int64
	pat string
	off int
}

func (f *filler) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	for i := range p {
		p[i] = f.pat[f.off]
		f.off = (f.off + 1) % len(f.pat)
	}
	f.n -= int64(len(p))
	return len(p), nil
}

// sized is a body whose length is known without reading it.
type sized struct {
	io.Reader
	n int64
}

func concat(parts ...any) *sized {
	s := &sized{}
	readers := make([]io.Reader, len(parts))
	for i, p := range parts {
		switch p := p.(type) {
		case string:
			readers[i], s.n = strings.NewReader(p), s.n+int64(len(p))
		case *sized:
			readers[i], s.n = p, s.n+p.n
		case *filler:
			readers[i], s.n = p, s.n+p.n
		}
	}
	s.Reader = io.MultiReader(readers...)
	return s
}

// jsonBody is n bytes that start as a logbook entry with a long note (never closed: no
// route reads that far).
func jsonBody(n int64) *sized {
	prefix := `{"practiced_at":"2026-11-01T10:00:00Z","duration_minutes":10,"type":"practice","notes":"`
	return concat(prefix, &filler{n: n - int64(len(prefix)), pat: "voicing and pedalling, bars 1-8; "})
}

// pdfFile is a valid one-page PDF of size bytes (or a few less, as the digits of the
// lengths it declares allow): the page, then a stream no page uses holding the rest (pdftest.Doc.Padding's layout, written as it is read).
func pdfFile(size int64) *sized {
	content := "BT /F1 18 Tf 72 760 Td (Bench) Tj ET\n"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	var head strings.Builder
	head.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int64, 0, len(objs)+1)
	for i, o := range objs {
		offsets = append(offsets, int64(head.Len()))
		fmt.Fprintf(&head, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	tail := func(pad int64, padAt int64) string {
		var b strings.Builder
		b.WriteString("\nendstream\nendobj\n")
		xref := padAt + int64(len(padHead(pad))) + pad + int64(b.Len())
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+2)
		for _, off := range append(offsets, padAt) {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+2, xref)
		return b.String()
	}
	padAt := int64(head.Len())
	// The padding's length is written in its header and the xref's offset in the tail:
	// solve for the padding that makes the whole exactly size bytes.
	pad := size - padAt - int64(len(padHead(0))) - int64(len(tail(0, padAt)))
	for padAt+int64(len(padHead(pad)))+pad+int64(len(tail(pad, padAt))) > size {
		pad--
	}
	return concat(head.String(), padHead(pad), &filler{n: pad, pat: "0123456789abcde\n"}, tail(pad, padAt))
}

func padHead(pad int64) string {
	return fmt.Sprintf("%d 0 obj\n<< /Length %d >>\nstream\n", 6, pad)
}

// junkFile is size bytes that are not a PDF.
func junkFile(size int64) *sized {
	return concat(&filler{n: size, pat: "JUNK, not a PDF at all. "})
}

const boundary = "bench-bodies-boundary-4f1d2c"

// upload is a multipart/form-data body with file in the field "file".
func upload(file *sized) *sized {
	return concat("--"+boundary+"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.pdf\"\r\n"+
		"Content-Type: application/pdf\r\n\r\n", file, "\r\n--"+boundary+"--\r\n")
}

// status reads a process's resident set and its high-water mark, in bytes.
func status(pid int) (rss, hwm int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(data)) {
		key, value, ok := strings.Cut(line, ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("error reading %s of %d: %w", key, pid, err)
		}
		if key == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc status")
	}
	return rss, hwm, nil
}

// watch samples pid's VmRSS every 10 ms until the returned function is called, which
// returns the peak.
func watch(pid int) func() int64 {
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	sample := func() {
		if rss, _, err := status(pid); err == nil && rss > peak.Load() {
			peak.Store(rss)
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		sample()
		return peak.Load()
	}
}

// settle waits for a server to go quiet after its warm-up and returns its idle resident
// set: the median of a second of samples.
func settle(pid int) (int64, error) {
	time.Sleep(2 * time.Second)
	var xs []int64
	for range 100 {
		rss, _, err := status(pid)
		if err != nil {
			return 0, err
		}
		xs = append(xs, rss)
		time.Sleep(10 * time.Millisecond)
	}
	slices.Sort(xs)
	return xs[len(xs)/2], nil
}

// serveBaseline serves, on $PORT until its stdin closes, the JSON routes the phases load as
// the API served them before its bodies were streamed: fasthttp reads a body up to
// BodyLimit (SCORE_MAX_BYTES + 1 MiB for every route) into memory before routing, and the
// handler then refuses it.
func serveBaseline() error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: baselineBodyLimit})
	app.Get("/readyz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	refuse := func(c *fiber.Ctx) error {
		return c.Status(http.StatusRequestEntityTooLarge).JSON(fiber.Map{"code": "payload_too_large",
			"message": fmt.Sprintf("the request body is larger than this server accepts (%d bytes read)", len(c.Body()))})
	}
	app.Post("/api/logbook/entries", refuse)
	app.Post("/api/auth/magic-link", refuse)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		_ = app.Shutdown()
	}()
	return app.Listen("127.0.0.1:" + os.Getenv("PORT"))
}

func mb(b int64) float64 { return round(float64(b) / (1 << 20)) }

func ms(d time.Duration) float64 { return round(float64(d.Microseconds()) / 1000) }

func round(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }
