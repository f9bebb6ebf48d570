// Command scores measures how well the product reads scores, end to end: it builds the
// mirubato binary, gives it a fresh database beside DATABASE_URL's, runs `mirubato migrate`
// and `mirubato dev` (API and worker in one process) on a free loopback port, uploads every
// file of the corpus (ops/corpus/scores) through POST /api/scores as a signed-in user, waits
// until each is ready or failed, and compares what GET /api/scores/:id says with the
// ground truth, field by field; it also searches (GET /api/search) for words printed on
// each file's pages. It prints per-set accuracy tables (dev, held-out and all), upload-to-
// ready percentiles, and writes a report with every miss.
//
//	DATABASE_URL=… go run ./ops/eval/scores [-corpus .cache/corpus] [-sets engraved,real,scanned] [-limit N]
//
// make test-corpus builds the corpus and runs this.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/ops/bench/benchproc"
)

// record is a file's ground truth, as ops/corpus/scores writes it in truth.json.
type record struct {
	Path                   string            `json:"path"`
	Set                    string            `json:"set"`
	Work                   string            `json:"work"`
	Holdout                bool              `json:"holdout"`
	Title                  string            `json:"title"`
	TitleAlt               []string          `json:"title_alt"`
	Subtitle               string            `json:"subtitle"`
	Composer               string            `json:"composer"`
	ComposerAlt            []string          `json:"composer_alt"`
	Opus                   string            `json:"opus"`
	Key                    string            `json:"key"`
	KeySignature           string            `json:"key_signature"`
	Instrumentation        string            `json:"instrumentation"`
	Pages                  int               `json:"pages"`
	Search                 []string          `json:"search"`
	Skip                   []string          `json:"skip"`
	Language               string            `json:"language"`
	InfoDict               bool              `json:"info_dict"`
	TitlePage              bool              `json:"title_page"`
	KeyPrinted             bool              `json:"key_printed"`
	InstrumentationPrinted bool              `json:"instrumentation_printed"`
	Printed                map[string]string `json:"printed"`
	Rotation               int               `json:"rotation"`
}

// result is what happened to one file.
type result struct {
	record
	ScoreID string          `json:"score_id"`
	Status  string          `json:"status"` // ready, failed, refused (the upload), timeout
	Failure string          `json:"failure,omitempty"`
	Ready   time.Duration   `json:"upload_to_ready_ns"`
	Got     got             `json:"got"`
	Correct map[string]bool `json:"correct"`
}

type options struct {
	corpus, truth, bin, report, table, docs, database string
	sets                                              []string
	limit, concurrency                                int
	timeout                                           time.Duration
	keep                                              bool
}

func main() {
	var o options
	sets := envOr("CORPUS_SETS", "engraved,real,scanned")
	limit, _ := strconv.Atoi(envOr("CORPUS_LIMIT", "0"))
	flag.StringVar(&o.corpus, "corpus", ".cache/corpus", "the corpus ops/corpus/scores built")
	flag.StringVar(&o.truth, "truth", "", "ground truth (default: truth.json in -corpus)")
	flag.StringVar(&o.bin, "bin", "", "a mirubato binary to measure (default: go build . into a temporary directory)")
	flag.StringVar(&sets, "sets", sets, "sets to run, comma-separated: engraved, real, scanned (CORPUS_SETS)")
	flag.IntVar(&o.limit, "limit", limit, "at most this many files per set, 0 all (CORPUS_LIMIT)")
	flag.IntVar(&o.concurrency, "concurrency", 2, "scores in flight at once")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "longest wait for one score to be ready")
	flag.StringVar(&o.report, "report", "", "the report: tables, timings and every miss (default: report.txt in -corpus)")
	flag.StringVar(&o.table, "table", "", "the tables as markdown (default: results.md in -corpus)")
	flag.StringVar(&o.docs, "docs", "", "a markdown file whose results block to replace with the tables, after a complete run")
	// A name of its own per run: other runs may share the server.
	flag.StringVar(&o.database, "database", fmt.Sprintf("mirubato_corpus_%d", os.Getpid()), "name of the database created beside DATABASE_URL's")
	flag.BoolVar(&o.keep, "keep", false, "keep the database and blobs afterwards (to look at the scores)")
	flag.Parse()
	for _, s := range strings.Split(sets, ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.sets = append(o.sets, s)
		}
	}
	if o.truth == "" {
		o.truth = filepath.Join(o.corpus, "truth.json")
	}
	if o.report == "" {
		o.report = filepath.Join(o.corpus, "report.txt")
	}
	if o.table == "" {
		o.table = filepath.Join(o.corpus, "results.md")
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "eval/scores:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, o options) error {
	adminURL := os.Getenv("DATABASE_URL")
	if adminURL == "" {
		return errors.New("DATABASE_URL is not set (make test-corpus gets it from ops/devdb)")
	}
	records, complete, err := load(o)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mirubato-eval-scores-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(tmp)
	}
	bin := o.bin
	if bin == "" {
		bin = filepath.Join(tmp, "mirubato")
		fmt.Fprintln(os.Stderr, "eval: building mirubato")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	dbURL, drop, err := freshDatabase(ctx, adminURL, o.database)
	if err != nil {
		return err
	}
	if !o.keep {
		defer drop()
	}
	env := []string{"DATABASE_URL=" + dbURL, "MIRUBATO_ENV=development", "LOG_LEVEL=warn",
		"BLOB_DIR=" + filepath.Join(tmp, "blobs")}
	migrate := exec.CommandContext(ctx, bin, "migrate")
	migrate.Env = append(os.Environ(), env...)
	if out, err := migrate.CombinedOutput(); err != nil {
		return fmt.Errorf("mirubato migrate: %w: %s", err, out)
	}
	base, stop, err := benchproc.Start(ctx, exec.CommandContext(ctx, bin, "dev"), env...)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(os.Stderr, "eval: mirubato dev on %s, database %s; %d files\n", base, o.database, len(records))

	c := &client{base: base, bin: bin, env: env, http: &http.Client{Timeout: time.Minute}}
	start := time.Now()
	results := c.runAll(ctx, records, o)
	elapsed := time.Since(start)

	tables := renderTables(results, o.sets)
	misses := renderMisses(results)
	fmt.Print(tables)
	if err := os.WriteFile(o.table, []byte(tables), 0o644); err != nil {
		return err
	}
	report := fmt.Sprintf("Scores corpus, end to end (%s, %d files, %s)\n\n%s\n%s", time.Now().UTC().Format(time.RFC3339),
		len(results), elapsed.Round(time.Second), tables, misses)
	if err := os.WriteFile(o.report, []byte(report), 0o644); err != nil {
		return err
	}
	if data, err := json.MarshalIndent(results, "", "  "); err == nil {
		_ = os.WriteFile(strings.TrimSuffix(o.report, filepath.Ext(o.report))+".json", data, 0o644)
	}
	fmt.Printf("\n%d files in %s; report with every miss: %s\n", len(results), elapsed.Round(time.Second), o.report)
	if o.docs != "" {
		if !complete {
			fmt.Printf("a partial run (sets or limit): %s not updated\n", o.docs)
		} else if err := pasteTables(o.docs, tables); err != nil {
			return err
		} else {
			fmt.Printf("tables written into %s\n", o.docs)
		}
	}
	return nil
}

// load reads the ground truth and keeps the sets asked for, the first limit files of each.
// complete says whether that is the whole corpus.
func load(o options) ([]record, bool, error) {
	data, err := os.ReadFile(o.truth)
	if err != nil {
		return nil, false, fmt.Errorf("%w (make test-corpus builds the corpus first)", err)
	}
	var all []record
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, false, fmt.Errorf("%s: %w", o.truth, err)
	}
	var out []record
	n := map[string]int{}
	for _, r := range all {
		if !slices.Contains(o.sets, r.Set) || (o.limit > 0 && n[r.Set] >= o.limit) {
			continue
		}
		if _, err := os.Stat(filepath.Join(o.corpus, r.Path)); err != nil {
			return nil, false, err
		}
		n[r.Set]++
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, false, fmt.Errorf("no files in %s for sets %v", o.truth, o.sets)
	}
	return out, len(out) == len(all), nil
}

// freshDatabase drops and creates a database beside adminURL's; drop removes it.
func freshDatabase(ctx context.Context, adminURL, name string) (string, func(), error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connecting to DATABASE_URL: %w", err)
	}
	dropIt := func() {
		_, _ = admin.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name))
	}
	dropIt()
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %q`, name)); err != nil {
		_ = admin.Close(ctx)
		return "", nil, err
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() { dropIt(); _ = admin.Close(context.Background()) }, nil
}

// client talks to the product as its users do.
type client struct {
	base, bin string
	env       []string
	http      *http.Client

	mu     sync.Mutex
	tokens map[int]token
}

type token struct {
	value string
	at    time.Time
}

// uploadsPerUser stays under the API's 60 uploads an hour per user.
const uploadsPerUser = 50

// tokenFor is user n's access token from `mirubato user token` (the account is created on
// first use); a new one before the 15 minutes of the last run out.
func (c *client) tokenFor(ctx context.Context, n int) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tokens[n]; ok && time.Since(t.at) < 10*time.Minute {
		return t.value, nil
	}
	cmd := exec.CommandContext(ctx, c.bin, "user", "token", fmt.Sprintf("corpus-%d@example.com", n))
	cmd.Env = append(os.Environ(), c.env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("mirubato user token: %w: %s", err, stderr.String())
	}
	if c.tokens == nil {
		c.tokens = map[int]token{}
	}
	t := token{value: strings.TrimSpace(string(out)), at: time.Now()}
	c.tokens[n] = t
	return t.value, nil
}

func (c *client) runAll(ctx context.Context, records []record, o options) []result {
	results := make([]result, len(records))
	next := make(chan int)
	var wg sync.WaitGroup
	var done sync.Mutex
	finished := 0
	for range max(o.concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = c.one(ctx, records[i], i/uploadsPerUser, o)
				done.Lock()
				finished++
				r := results[i]
				fmt.Fprintf(os.Stderr, "eval: [%d/%d] %-20s %-8s %6.1fs %s\n", finished, len(records), r.Path, r.Status,
					r.Ready.Seconds(), summary(r))
				done.Unlock()
			}
		}()
	}
	for i := range records {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

func summary(r result) string {
	var wrong []string
	for _, f := range fields {
		if ok, scored := r.Correct[f]; scored && !ok {
			wrong = append(wrong, f)
		}
	}
	if len(wrong) == 0 {
		return "all right"
	}
	return "wrong: " + strings.Join(wrong, ", ")
}

// one uploads a file, waits for its pipeline, reads the score and searches for its words.
func (c *client) one(ctx context.Context, r record, user int, o options) (res result) {
	res = result{record: r, Correct: map[string]bool{}}
	defer func() {
		for _, f := range fields {
			if !slices.Contains(r.Skip, f) {
				res.Correct[f] = res.Status == "ready" && correct(r, res.Got, f)
			}
		}
	}()
	tok, err := c.tokenFor(ctx, user)
	if err != nil {
		res.Status, res.Failure = "refused", err.Error()
		return res
	}
	data, err := os.ReadFile(filepath.Join(o.corpus, r.Path))
	if err != nil {
		res.Status, res.Failure = "refused", err.Error()
		return res
	}
	start := time.Now()
	var sc scoreJSON
	if err := c.upload(ctx, tok, filepath.Base(r.Path), data, &sc); err != nil {
		res.Status, res.Failure = "refused", err.Error()
		return res
	}
	res.ScoreID = sc.ID
	deadline := start.Add(o.timeout)
	for sc.Status != "ready" && sc.Status != "failed" {
		if time.Now().After(deadline) {
			res.Status, res.Ready = "timeout", time.Since(start)
			return res
		}
		time.Sleep(100 * time.Millisecond)
		if tok, err = c.tokenFor(ctx, user); err == nil {
			err = c.get(ctx, tok, "/api/scores/"+sc.ID, &sc)
		}
		if err != nil {
			res.Status, res.Failure = "timeout", err.Error()
			return res
		}
	}
	res.Ready, res.Status = time.Since(start), sc.Status
	if sc.Failure != nil {
		res.Failure = *sc.Failure
	}
	res.Got = got{Title: sc.Title, Composer: sc.Composer, Opus: sc.Opus, Pages: sc.PageCount,
		Subtitle: sc.extracted("subtitle"), Key: sc.extracted("key"), Instrumentation: sc.extracted("instrumentation"),
		Found: map[string]bool{}}
	for _, w := range r.Search {
		var hits struct {
			Hits []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		q := url.Values{"q": {w}, "scope": {"mine"}, "limit": {"100"}, "facets": {"false"}}
		if err := c.get(ctx, tok, "/api/search?"+q.Encode(), &hits); err != nil {
			continue
		}
		for _, h := range hits.Hits {
			if h.ID == sc.ID {
				res.Got.Found[w] = true
			}
		}
	}
	return res
}

// scoreJSON: the parts of GET /api/scores/:id the evaluation reads.
type scoreJSON struct {
	ID        string  `json:"id"`
	Status    string  `json:"status"`
	Failure   *string `json:"failure"`
	Title     string  `json:"title"`
	Composer  string  `json:"composer"`
	Opus      string  `json:"opus"`
	PageCount int     `json:"page_count"`
	Extracted map[string]struct {
		Value any `json:"value"`
	} `json:"extracted"`
}

func (s scoreJSON) extracted(field string) string {
	v, ok := s.Extracted[field]
	if !ok || v.Value == nil {
		return ""
	}
	if str, ok := v.Value.(string); ok {
		return str
	}
	return fmt.Sprint(v.Value)
}

func (c *client) upload(ctx context.Context, tok, name string, data []byte, out any) error {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		return err
	}
	if _, err := fw.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/scores", bytes.NewReader(body.Bytes()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+tok)
		status, err := c.do(req, out)
		// A full parse slot answers 503 with Retry-After: wait and send again.
		if status == http.StatusServiceUnavailable && attempt < 10 {
			time.Sleep(time.Second)
			continue
		}
		return err
	}
}

func (c *client) get(ctx context.Context, tok, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, http.NoBody)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	_, err = c.do(req, out)
	return err
}

func (c *client) do(req *http.Request, out any) (int, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, bytes.TrimSpace(body))
	}
	return resp.StatusCode, json.Unmarshal(body, out)
}
