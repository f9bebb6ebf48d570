// Command split measures how fast the scores pipeline splits a score into single-page PDFs,
// against qpdf (--split-pages) and MuPDF (mutool run, a short script that writes each page),
// on the same file in the same run; and the upload-to-ready time of a 20-page score with the
// local metadata provider.
//
// The score is generated (see score.go): 200 engraved-looking pages, about 15 MB, fonts
// shared by all pages. Each splitter reads the file and writes every page to a file of its
// own; each runs three times, alternating, and the median counts. The last line printed is
// one JSON object:
//
//	{"pages":200, "ours_split_pages_per_s":…, "qpdf_pages_per_s":…, "mutool_pages_per_s":…,
//	 "ratio_qpdf":…, "ratio_mutool":…, "upload_to_ready_ms":…}
//
// Usage: make bench-split (ops/setup installs qpdf and mupdf-tools).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/engraving"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/pipelines/scores"
)

const mutoolScript = `var doc = new PDFDocument(scriptArgs[0]);
var n = doc.countPages();
for (var i = 0; i < n; i++) {
	var out = new PDFDocument();
	out.graftPage(-1, doc, i);
	out.save(scriptArgs[1] + "/page-" + (i + 1) + ".pdf");
}
`

type result struct {
	Pages            int     `json:"pages"`
	FileMB           float64 `json:"file_mb"`
	OursPagesPerS    float64 `json:"ours_split_pages_per_s"`
	QPDFPagesPerS    float64 `json:"qpdf_pages_per_s"`
	MutoolPagesPerS  float64 `json:"mutool_pages_per_s"`
	RatioQPDF        float64 `json:"ratio_qpdf"`
	RatioMutool      float64 `json:"ratio_mutool"`
	UploadToReadyMS  float64 `json:"upload_to_ready_ms"`
	Cores            int     `json:"cores"`
	PdfcpuPagesPerS  float64 `json:"pdfcpu_extract_pages_per_s"`
	OursOneCorePerS  float64 `json:"ours_one_core_pages_per_s"`
	ReadyScorePages  int     `json:"ready_score_pages"`
	SplitRoundsEach  int     `json:"rounds"`
	UploadReadyRuns  int     `json:"upload_to_ready_runs"`
	UploadReadyMinMS float64 `json:"upload_to_ready_min_ms"`
	scanResult
}

func main() {
	pages := flag.Int("pages", 200, "pages of the score to split")
	rounds := flag.Int("rounds", 3, "runs of each splitter (the median counts)")
	scanOnly := flag.Bool("scan-only", false, "only the scanned score's run (OCR)")
	flag.Parse()
	var err error
	if *scanOnly {
		err = runScan(context.Background())
	} else {
		err = run(context.Background(), *pages, *rounds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, pages, rounds int) error {
	dir, err := os.MkdirTemp("", "mirubato-bench-split-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "score.pdf")
	data := engravedScore(pages, 1)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return err
	}
	script := filepath.Join(dir, "split.js")
	if err := os.WriteFile(script, []byte(mutoolScript), 0o600); err != nil {
		return err
	}
	fmt.Printf("score: %d pages, %.1f MB; %d cores\n", pages, float64(len(data))/(1<<20), runtime.GOMAXPROCS(0))

	splitters := []struct {
		name string
		run  func(out string) error
	}{
		{"ours", func(out string) error { return splitOurs(ctx, in, out, runtime.GOMAXPROCS(0)) }},
		{"ours-1-core", func(out string) error { return splitOurs(ctx, in, out, 1) }},
		{"qpdf", func(out string) error {
			return command(ctx, "qpdf", "--split-pages", in, filepath.Join(out, "page-%d.pdf"))
		}},
		{"mutool", func(out string) error { return command(ctx, "mutool", "run", script, in, out) }},
	}
	times := map[string][]time.Duration{}
	for r := range rounds {
		for _, s := range splitters {
			out := filepath.Join(dir, fmt.Sprintf("%s-%d", s.name, r))
			if err := os.Mkdir(out, 0o700); err != nil {
				return err
			}
			start := time.Now()
			if err := s.run(out); err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			took := time.Since(start)
			files, _ := filepath.Glob(filepath.Join(out, "*.pdf"))
			if len(files) != pages {
				return fmt.Errorf("%s wrote %d files for %d pages", s.name, len(files), pages)
			}
			times[s.name] = append(times[s.name], took)
			fmt.Printf("round %d %-12s %8.1f ms  %7.1f pages/s\n", r+1, s.name, ms(took), float64(pages)/took.Seconds())
			_ = os.RemoveAll(out)
		}
	}
	rate := func(name string) float64 { return round(float64(pages) / median(times[name]).Seconds()) }

	// pdfcpu's own page extraction, on a sample of pages, for reference.
	doc, err := pdf.Open(ctx, data, pdf.Limits{})
	if err != nil {
		return err
	}
	sample := min(20, pages)
	start := time.Now()
	for n := 1; n <= sample; n++ {
		if _, err := doc.PageWithPdfcpu(n); err != nil {
			return err
		}
	}
	pdfcpuRate := round(float64(sample) / time.Since(start).Seconds())

	readyRuns := 3
	var ready []time.Duration
	for range readyRuns {
		d, _, err := uploadToReady(ctx, engravedScore(20, 2), "preludes.pdf")
		if err != nil {
			return fmt.Errorf("upload to ready: %w", err)
		}
		fmt.Printf("upload to ready (20 pages): %.0f ms\n", ms(d))
		ready = append(ready, d)
	}

	sr, err := scanRun(ctx)
	if err != nil {
		return err
	}

	res := result{
		Pages: pages, FileMB: round(float64(len(data)) / (1 << 20)), Cores: runtime.GOMAXPROCS(0),
		OursPagesPerS: rate("ours"), OursOneCorePerS: rate("ours-1-core"), QPDFPagesPerS: rate("qpdf"),
		MutoolPagesPerS: rate("mutool"), PdfcpuPagesPerS: pdfcpuRate, SplitRoundsEach: rounds,
		UploadToReadyMS: round(ms(median(ready))), UploadReadyMinMS: round(ms(slices.Min(ready))), UploadReadyRuns: readyRuns,
		ReadyScorePages: 20,
		scanResult:      sr,
	}
	res.RatioQPDF = round(res.OursPagesPerS / res.QPDFPagesPerS)
	res.RatioMutool = round(res.OursPagesPerS / res.MutoolPagesPerS)
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// splitOurs is the pipeline's split: read and validate, then every page on workers cores.
func splitOurs(ctx context.Context, in, out string, workers int) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	doc, err := pdf.Open(ctx, data, pdf.Limits{})
	if err != nil {
		return err
	}
	return doc.Split(ctx, workers, func(n int, page []byte) error {
		return os.WriteFile(filepath.Join(out, fmt.Sprintf("page-%d.pdf", n)), page, 0o600)
	})
}

func command(ctx context.Context, name string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%s is not installed (ops/setup installs it)", name)
		}
		return fmt.Errorf("%w: %s", err, stderr.String())
	}
	return nil
}

// uploadToReady accepts a score and runs the pipeline on this process's River client (the
// product's worker settings: renderer, OCR, the local provider) until the score is ready.
func uploadToReady(ctx context.Context, data []byte, filename string) (time.Duration, *store.Score, error) {
	cfg, err := benchdb.Config()
	if err != nil {
		return 0, nil, err
	}
	// Warnings (a page OCR could not read) are worth seeing in a benchmark's output.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, _, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_split", logger)
	if err != nil {
		return 0, nil, err
	}
	defer cleanup()
	blobDir, err := os.MkdirTemp("", "mirubato-bench-blobs-")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(blobDir)
	blobs, err := blob.NewFS(blobDir)
	if err != nil {
		return 0, nil, err
	}
	limits := pdf.Limits{MaxBytes: cfg.ScoreMaxBytes, MaxPages: cfg.ScoreMaxPages, Timeout: cfg.PDFParseTimeout}
	w := river.NewWorkers()
	scores.AddWorkers(w, &scores.Deps{Pool: pool, Blobs: blobs, Logger: logger, Limits: limits, DPI: cfg.PageImageDPI,
		Tools: pdf.Tools{Timeout: cfg.PDFToolTimeout, Renderer: cfg.PDFRenderer}, OCR: ocrOf(cfg),
		Music: engraving.Reader{Timeout: cfg.PDFToolTimeout}, Metadata: metadata.NewLocal()})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger, Workers: w,
		Queues:        map[string]river.QueueConfig{queues.Scores: {MaxWorkers: queues.DefaultMaxWorkers()[queues.Scores]}},
		FetchCooldown: cfg.RiverFetchCooldown, FetchPollInterval: cfg.RiverFetchPollInterval})
	if err != nil {
		return 0, nil, err
	}
	if err := client.Start(ctx); err != nil {
		return 0, nil, err
	}
	defer func() { _ = client.Stop(ctx) }()
	owner, err := store.EnsureUser(ctx, pool, "bench@example.com")
	if err != nil {
		return 0, nil, err
	}
	intake := &scores.Intake{Pool: pool, Blobs: blobs, Limits: limits, Logger: logger}
	start := time.Now()
	sc, _, err := intake.Accept(ctx, client, scores.Upload{OwnerID: owner.ID, Filename: filename, Data: data, Source: "upload"})
	if err != nil {
		return 0, nil, err
	}
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var status string
		if err := pool.QueryRow(ctx, `SELECT status FROM scores WHERE id = $1`, sc.ID).Scan(&status); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return 0, nil, err
		}
		switch status {
		case store.ScoreReady:
			took := time.Since(start)
			if run, err := store.GetRun(ctx, pool, *sc.RunID); err == nil {
				for _, step := range []string{scores.StepSplit, scores.StepRender, scores.StepText, scores.StepMetadata, scores.StepIndex} {
					if st, ok := run.Steps[step]; ok && st.FinishedAt != nil {
						fmt.Printf("  %-8s %3d jobs %8.0f ms\n", step, st.Total, ms(st.FinishedAt.Sub(st.StartedAt)))
					}
				}
			}
			ready, err := store.ScoreByID(ctx, pool, sc.ID)
			return took, ready, err
		case store.ScoreFailed:
			return 0, nil, fmt.Errorf("score %s failed", sc.ID)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, nil, fmt.Errorf("score %s not ready after 5 minutes", sc.ID)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func round(x float64) float64 { return float64(int(x*10+0.5)) / 10 }
