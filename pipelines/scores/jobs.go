package scores

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/fetch"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/runs"
)

// maxAttempts: a step is retried with River's backoff (seconds, then minutes) before the
// score is marked failed.
const maxAttempts = 5

func stepOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Scores, MaxAttempts: maxAttempts}
}

// SplitArgs splits the score into single-page PDFs.
type SplitArgs struct {
	ScoreID uuid.UUID `json:"score_id"`
	RunID   uuid.UUID `json:"run_id"`
}

// Kind implements river.JobArgs.
func (SplitArgs) Kind() string { return "score_split" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SplitArgs) InsertOpts() river.InsertOpts { return stepOpts() }

// PagesArgs is one batch of pages, From..To inclusive, of the render or the text step.
type PagesArgs struct {
	ScoreID uuid.UUID `json:"score_id"`
	RunID   uuid.UUID `json:"run_id"`
	From    int       `json:"from"`
	To      int       `json:"to"`
}

// RenderArgs renders page images (and, with page 1, the thumbnail).
type RenderArgs PagesArgs

// Kind implements river.JobArgs.
func (RenderArgs) Kind() string { return "score_render" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (RenderArgs) InsertOpts() river.InsertOpts { return stepOpts() }

// TextArgs extracts the pages' text.
type TextArgs PagesArgs

// Kind implements river.JobArgs.
func (TextArgs) Kind() string { return "score_text" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (TextArgs) InsertOpts() river.InsertOpts { return stepOpts() }

// MetadataArgs extracts the score's metadata.
type MetadataArgs struct {
	ScoreID uuid.UUID `json:"score_id"`
	RunID   uuid.UUID `json:"run_id"`
}

// Kind implements river.JobArgs.
func (MetadataArgs) Kind() string { return "score_metadata" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (MetadataArgs) InsertOpts() river.InsertOpts { return stepOpts() }

// IndexArgs makes the score searchable and ready.
type IndexArgs struct {
	ScoreID uuid.UUID `json:"score_id"`
	RunID   uuid.UUID `json:"run_id"`
}

// Kind implements river.JobArgs.
func (IndexArgs) Kind() string { return "score_index" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (IndexArgs) InsertOpts() river.InsertOpts { return stepOpts() }

// DeleteBlobsArgs deletes the blobs of deleted scores.
type DeleteBlobsArgs struct {
	ScoreIDs []uuid.UUID `json:"score_ids"`
}

// Kind implements river.JobArgs.
func (DeleteBlobsArgs) Kind() string { return "score_delete_blobs" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (DeleteBlobsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.Scores, MaxAttempts: 25}
}

// Deps is what the workers need.
type Deps struct {
	Pool     *pgxpool.Pool
	Blobs    blob.Store
	Tools    pdf.Tools
	Limits   pdf.Limits
	DPI      int
	Metadata metadata.Provider
	// Fallback, if set, is used when Metadata failed fallbackAfter attempts (errors other
	// than a request to retry later).
	Fallback metadata.Provider
	// OCR reads scanned pages; nil: no OCR (a scan's pages keep their empty text).
	OCR *OCR
	// Music reads the engraved music of the first pages; nil: not read.
	Music MusicReader
	// Fetcher downloads URL imports (the fetch step).
	Fetcher *fetch.Fetcher
	// PageBudget: a render or text job starts no new page after this long (0: 10 s).
	PageBudget time.Duration
	Logger     *slog.Logger
}

// intake is the intake's check and storage of an untrusted file, for the fetch step.
func (d *Deps) intake() *Intake {
	return &Intake{Pool: d.Pool, Blobs: d.Blobs, Limits: d.Limits, Logger: d.Logger}
}

const (
	// maxPagesBytes bounds the single-page PDFs of one score together; maxPageText the
	// text kept of one page (enough for any page of music; the rest is not searched).
	maxPagesBytes = 2 << 30
	maxPageText   = 100 << 10

	fallbackAfter = 3
	maxSnoozing   = 30 * time.Minute
)

// AddWorkers registers the pipeline's workers.
func AddWorkers(w *river.Workers, d *Deps) {
	river.AddWorker(w, &fetchWorker{d: d})
	river.AddWorker(w, &splitWorker{d: d})
	river.AddWorker(w, &renderWorker{d: d})
	river.AddWorker(w, &textWorker{d: d})
	river.AddWorker(w, &metadataWorker{d: d})
	river.AddWorker(w, &indexWorker{d: d})
	river.AddWorker(w, &deleteBlobsWorker{d: d})
	river.AddWorker(w, &sweepWorker{d: d})
}

// permanent marks an error no retry can cure; the score fails at once with reason.
type permanent struct {
	reason string
	err    error
}

func (p *permanent) Error() string { return p.reason + ": " + p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

// retryable is an error a later attempt may not meet (a server that is down); when the
// attempts run out, the score fails with its reason.
type retryable struct {
	reason string
	err    error
}

func (r *retryable) Error() string { return r.reason + ": " + r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// current loads the score and checks that run is still its running run; ok false means the
// job has nothing left to do (score deleted, run cancelled or superseded).
func (d *Deps) current(ctx context.Context, scoreID, runID uuid.UUID) (*store.Score, bool, error) {
	s, err := store.ScoreByID(ctx, d.Pool, scoreID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if s.RunID == nil || *s.RunID != runID {
		return nil, false, nil
	}
	r, err := store.GetRun(ctx, d.Pool, runID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return s, r.State == store.RunRunning, nil
}

// step runs one job of a step: the score and the run are loaded first (the job has nothing
// to do if the score is gone or the run is no longer its running one), and what work
// returns goes through outcome.
func (d *Deps) step(ctx context.Context, job *rivertype.JobRow, scoreID, runID uuid.UUID, step string,
	work func(s *store.Score) error,
) error {
	s, ok, err := d.current(ctx, scoreID, runID)
	if err == nil && ok {
		err = work(s)
	}
	return d.outcome(ctx, job, scoreID, runID, step, err)
}

// finish ends one job of step: in one transaction, the step's own writes (write, may be
// nil), the job's completion and, if it was the step's last job, the next step's jobs.
func finish[T river.JobArgs](ctx context.Context, d *Deps, job *river.Job[T], runID uuid.UUID, step string,
	write func(tx pgx.Tx) error, next func(ctx context.Context, tx pgx.Tx) (runs.Next, error),
) error {
	return endJob(ctx, d, write, func(tx pgx.Tx, client *river.Client[pgx.Tx]) error {
		return runs.Done(ctx, tx, client, job, runID, step, next)
	})
}

// endJob runs a job's writes (may be nil) and its end in one transaction.
func endJob(ctx context.Context, d *Deps, write func(tx pgx.Tx) error, end func(tx pgx.Tx, client *river.Client[pgx.Tx]) error) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		if write != nil {
			if err := write(tx); err != nil {
				return err
			}
		}
		return end(tx, client)
	})
	if errors.Is(err, runs.ErrNotRunning) {
		// The run was cancelled meanwhile: nothing of this job is kept (rolled back), and
		// the job ends as done.
		return nil
	}
	return err
}

// carryOn ends one job of step that did only part of its pages: in one transaction, the
// writes of what it did (write, may be nil), the job's completion and rest, a job of the
// same step for the pages left, in its place (runs.Continue).
func carryOn[T river.JobArgs](ctx context.Context, d *Deps, job *river.Job[T], runID uuid.UUID, step string,
	write func(tx pgx.Tx) error, rest river.JobArgs,
) error {
	return endJob(ctx, d, write, func(tx pgx.Tx, client *river.Client[pgx.Tx]) error {
		return runs.Continue(ctx, tx, client, job, runID, step, river.InsertManyParams{Args: rest})
	})
}

// outcome turns a step's error into what River should do: a permanent error, or the last
// attempt's, marks the score failed with a reason a person understands.
func (d *Deps) outcome(ctx context.Context, job *rivertype.JobRow, scoreID, runID uuid.UUID, step string, err error) error {
	if err == nil {
		return nil
	}
	var p *permanent
	isPermanent := errors.As(err, &p)
	if !isPermanent && job.Attempt < job.MaxAttempts {
		return err // retried with backoff
	}
	reason := fmt.Sprintf("processing stopped at the %s step after %d attempts; try again later with reprocess", step, job.Attempt)
	var r *retryable
	switch {
	case isPermanent:
		reason = p.reason
	case errors.As(err, &r):
		reason = fmt.Sprintf("%s (tried %d times); try again later with reprocess", r.reason, job.Attempt)
	}
	ctx = context.WithoutCancel(ctx)
	ferr := pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		if err := runs.Fail(ctx, tx, runID, step, reason); err != nil {
			return err
		}
		return store.FinishScore(ctx, tx, scoreID, runID, store.ScoreFailed, &reason)
	})
	if ferr != nil {
		return errors.Join(err, ferr) // retried: the failure is recorded next time
	}
	d.Logger.Warn("score processing failed", "score_id", scoreID, "run_id", runID, "step", step, "reason", reason, "error", err)
	var panicked *pdf.Panic
	if errors.As(err, &panicked) {
		d.Logger.ErrorContext(ctx, "pdf library panicked on a score", slog.String("score_id", scoreID.String()),
			slog.String("step", step), slog.String("panic", fmt.Sprint(panicked.Value)), slog.String("stack", string(panicked.Stack)))
	}
	if isPermanent {
		return river.JobCancel(err)
	}
	return err
}

// batches fans pages 1..n out in batches of size pages.
func batches(n, size int, mk func(from, to int) river.JobArgs) []river.InsertManyParams {
	var out []river.InsertManyParams
	for from := 1; from <= n; from += size {
		out = append(out, river.InsertManyParams{Args: mk(from, min(from+size-1, n))})
	}
	return out
}

type splitWorker struct {
	river.WorkerDefaults[SplitArgs]
	d *Deps
}

func (w *splitWorker) Work(ctx context.Context, job *river.Job[SplitArgs]) error {
	return w.d.step(ctx, job.JobRow, job.Args.ScoreID, job.Args.RunID, StepSplit, func(s *store.Score) error { return w.work(ctx, job, s) })
}

func (w *splitWorker) work(ctx context.Context, job *river.Job[SplitArgs], s *store.Score) error {
	d, a := w.d, job.Args
	data, err := blob.Get(ctx, d.Blobs, s.BlobKey, 0)
	if errors.Is(err, blob.ErrNotFound) {
		return &permanent{reason: "the uploaded file is missing from storage; upload it again", err: err}
	}
	if err != nil {
		return err
	}
	doc, err := pdf.Open(ctx, data, d.Limits)
	if err != nil {
		if reason, refused := IsRefused(err); refused {
			return &permanent{reason: reason, err: err}
		}
		return err
	}
	// Pages are written on every core; each page's file and row are written again, to the
	// same key and row, if the job is retried.
	var written atomic.Int64
	err = doc.Split(ctx, runtime.GOMAXPROCS(0), func(n int, page []byte) error {
		// Every page carries what it uses (fonts, images): a large shared image makes every
		// page large. Bounded, or one score could fill the store.
		if total := written.Add(int64(len(page))); total > maxPagesBytes {
			return &permanent{reason: fmt.Sprintf("split into single pages, this score would take more than %s; "+
				"it may embed a very large image on every page", pdf.Size(maxPagesBytes)), err: errors.New("pages too large")}
		}
		if _, err := d.Blobs.Put(ctx, pageKey(s.ID, n), bytes.NewReader(page), 0); err != nil {
			return err
		}
		return store.PutScorePage(ctx, d.Pool, s.ID, n, pageKey(s.ID, n))
	})
	if err != nil {
		if reason, refused := IsRefused(err); refused {
			return &permanent{reason: reason, err: err}
		}
		return err
	}
	// A file too large to be read in its upload's request is counted here.
	var write func(tx pgx.Tx) error
	if s.PageCount != doc.Pages {
		write = func(tx pgx.Tx) error { return store.SetScorePages(ctx, tx, s.ID, doc.Pages, doc.Info) }
	}
	return finish(ctx, d, job, a.RunID, StepSplit, write, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{Step: StepRender, Jobs: batches(doc.Pages, renderPagesPerJob, func(from, to int) river.JobArgs {
			return RenderArgs{ScoreID: s.ID, RunID: a.RunID, From: from, To: to}
		})}, nil
	})
}

type renderWorker struct {
	river.WorkerDefaults[RenderArgs]
	d *Deps
}

// pageBudget: a render or text job starts no new page after this long; the pages left go
// to a job of the same step in its place (runs.Continue). Each job stays short whatever its
// pages cost, and so does River's wait before it rescues one from a worker that died (a
// job is rescued after the longer of its time limit and RIVER_RESCUE_STUCK_AFTER).
func (d *Deps) pageBudget() time.Duration {
	if d.PageBudget > 0 {
		return d.PageBudget
	}
	return 10 * time.Second
}

// probeTimeout bounds reading a split page's size before it is rendered (a page we split
// ourselves: milliseconds).
const probeTimeout = 5 * time.Second

// jobSlack is a job's time beyond its bounded parts: blob reads and writes, the database.
const jobSlack = 5 * time.Second

func (d *Deps) toolTimeout() time.Duration {
	if d.Tools.Timeout > 0 {
		return d.Tools.Timeout
	}
	return time.Minute // pdf.Tools' default
}

// renderTimeout bounds a render job: the last page it starts begins within the page
// budget (or is its first) and reads the page's size, then runs pdftoppm at most twice
// (page 1: the image and the thumbnail), each within PDF_TOOL_TIMEOUT.
func (d *Deps) renderTimeout() time.Duration {
	return d.pageBudget() + probeTimeout + 2*d.toolTimeout() + jobSlack
}

// textTimeout bounds a text job: as a render job's, with one pdftotext run per page and,
// for a scanned page, its OCR.
func (d *Deps) textTimeout() time.Duration {
	return d.pageBudget() + d.toolTimeout() + d.ocrTimeout() + jobSlack
}

// Timeout implements river.Worker.
func (w *renderWorker) Timeout(*river.Job[RenderArgs]) time.Duration { return w.d.renderTimeout() }

func (w *renderWorker) Work(ctx context.Context, job *river.Job[RenderArgs]) error {
	return w.d.step(ctx, job.JobRow, job.Args.ScoreID, job.Args.RunID, StepRender, func(s *store.Score) error { return w.work(ctx, job, s) })
}

func (w *renderWorker) work(ctx context.Context, job *river.Job[RenderArgs], s *store.Score) error {
	d, a := w.d, job.Args
	pages, err := store.ScorePages(ctx, d.Pool, s.ID, a.From, a.To)
	if err != nil {
		return err
	}
	begun := time.Now()
	for i, p := range pages {
		if i > 0 && time.Since(begun) >= d.pageBudget() {
			return carryOn(ctx, d, job, a.RunID, StepRender, nil, RenderArgs{ScoreID: s.ID, RunID: a.RunID, From: p.N, To: a.To})
		}
		data, err := blob.Get(ctx, d.Blobs, p.PDFKey, 0)
		if err != nil {
			return err
		}
		dpi, fit := renderSize(ctx, data, d.DPI)
		png, err := d.Tools.Render(ctx, data, dpi, fit)
		if err != nil {
			return pageError(p.N, "rendered", err)
		}
		if _, err := d.Blobs.Put(ctx, imageKey(s.ID, p.N), bytes.NewReader(png), 0); err != nil {
			return err
		}
		if err := store.SetScorePageImage(ctx, d.Pool, s.ID, p.N, imageKey(s.ID, p.N)); err != nil {
			return err
		}
		if p.N == 1 {
			thumb, err := d.Tools.Render(ctx, data, 0, 320)
			if err != nil {
				return pageError(p.N, "rendered", err)
			}
			if _, err := d.Blobs.Put(ctx, thumbnailKey(s.ID), bytes.NewReader(thumb), 0); err != nil {
				return err
			}
			if err := store.SetScoreThumbnail(ctx, d.Pool, s.ID, thumbnailKey(s.ID)); err != nil {
				return err
			}
		}
	}
	return finish(ctx, d, job, a.RunID, StepRender, nil, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{Step: StepText, Jobs: batches(s.PageCount, textPagesPerJob, func(from, to int) river.JobArgs {
			return TextArgs{ScoreID: s.ID, RunID: a.RunID, From: from, To: to}
		})}, nil
	})
}

// maxImageSide bounds a page image's longer side in pixels: a page that claims to be two
// hundred inches wide is rendered at a lower resolution, not into gigabytes of memory.
const maxImageSide = 6000

// renderSize is the resolution for a page image: dpi, lowered for pages so large that
// their image would be over maxImageSide; for a page whose size cannot be read, no dpi but
// a box to fit (fit, in pixels) of the size a Letter page has at dpi.
func renderSize(ctx context.Context, page []byte, dpi int) (int, int) {
	unknown := func() (int, int) { return 0, max(1, dpi*11) }
	doc, err := pdf.Open(ctx, page, pdf.Limits{MaxPages: 1, Timeout: probeTimeout})
	if err != nil {
		return unknown()
	}
	w, h, ok := doc.PageSize(1)
	if !ok || max(w, h) <= 0 {
		return unknown()
	}
	if limit := int(maxImageSide * 72 / max(w, h)); limit < dpi {
		return max(limit, 1), 0
	}
	return dpi, 0
}

// pageError: a tool that ran and failed on a page (damaged content, a timeout) will fail
// the same way again.
func pageError(n int, what string, err error) error {
	if errors.Is(err, pdf.ErrTool) {
		return &permanent{reason: fmt.Sprintf("page %d could not be %s; the file may be damaged", n, what), err: err}
	}
	return err
}

type textWorker struct {
	river.WorkerDefaults[TextArgs]
	d *Deps
}

// Timeout implements river.Worker.
func (w *textWorker) Timeout(*river.Job[TextArgs]) time.Duration { return w.d.textTimeout() }

func (w *textWorker) Work(ctx context.Context, job *river.Job[TextArgs]) error {
	return w.d.step(ctx, job.JobRow, job.Args.ScoreID, job.Args.RunID, StepText, func(s *store.Score) error { return w.work(ctx, job, s) })
}

func (w *textWorker) work(ctx context.Context, job *river.Job[TextArgs], s *store.Score) error {
	d, a := w.d, job.Args
	pages, err := store.ScorePages(ctx, d.Pool, s.ID, a.From, a.To)
	if err != nil {
		return err
	}
	texts := make(map[int]store.PageText, len(pages))
	write := func(tx pgx.Tx) error {
		for n, t := range texts {
			if err := store.SetScorePageText(ctx, tx, s.ID, n, t); err != nil {
				return err
			}
		}
		return nil
	}
	begun := time.Now()
	for i, p := range pages {
		if i > 0 && time.Since(begun) >= d.pageBudget() {
			return carryOn(ctx, d, job, a.RunID, StepText, write, TextArgs{ScoreID: s.ID, RunID: a.RunID, From: p.N, To: a.To})
		}
		data, err := blob.Get(ctx, d.Blobs, p.PDFKey, 0)
		if err != nil {
			return err
		}
		text, err := d.readText(ctx, p.N, data)
		if err != nil {
			return err
		}
		texts[p.N] = text
	}
	return finish(ctx, d, job, a.RunID, StepText, write, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{Step: StepMetadata, Jobs: []river.InsertManyParams{{Args: MetadataArgs{ScoreID: s.ID, RunID: a.RunID}}}}, nil
	})
}

type metadataWorker struct {
	river.WorkerDefaults[MetadataArgs]
	d *Deps
}

func (w *metadataWorker) Work(ctx context.Context, job *river.Job[MetadataArgs]) error {
	return w.d.step(ctx, job.JobRow, job.Args.ScoreID, job.Args.RunID, StepMetadata, func(s *store.Score) error { return w.work(ctx, job, s) })
}

func (w *metadataWorker) work(ctx context.Context, job *river.Job[MetadataArgs], s *store.Score) error {
	d, a := w.d, job.Args
	in, err := d.metadataInput(ctx, s)
	if err != nil {
		return err
	}
	res, err := d.Metadata.Extract(ctx, in)
	var later *ai.RetryLater
	switch {
	case errors.As(err, &later) && time.Since(job.CreatedAt) < maxSnoozing:
		// The AI service asked us to wait: snoozed, not failed (a snooze uses no attempt,
		// so a service that keeps saying 429 — a spent quota — is given up on after
		// maxSnoozing, and the fallback takes over after the attempts that follow).
		return river.JobSnooze(max(later.After, time.Second))
	case err != nil && d.Fallback != nil && job.Attempt >= fallbackAfter:
		// Metadata is not worth failing a score over: after a few failed attempts, what the
		// fallback (the local provider) finds is kept.
		d.Logger.Warn("metadata provider failed; using the fallback", "score_id", s.ID, "attempt", job.Attempt, "error", err)
		if res, err = d.Fallback.Extract(ctx, in); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	extracted := make(map[string]store.MetaValue, len(res))
	for k, v := range res {
		extracted[k] = store.MetaValue(v)
	}
	write := func(tx pgx.Tx) error { return store.SetScoreExtracted(ctx, tx, s.ID, extracted) }
	return finish(ctx, d, job, a.RunID, StepMetadata, write, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{Step: StepIndex, Jobs: []river.InsertManyParams{{Args: IndexArgs{ScoreID: s.ID, RunID: a.RunID}}}}, nil
	})
}

type indexWorker struct {
	river.WorkerDefaults[IndexArgs]
	d *Deps
}

func (w *indexWorker) Work(ctx context.Context, job *river.Job[IndexArgs]) error {
	return w.d.step(ctx, job.JobRow, job.Args.ScoreID, job.Args.RunID, StepIndex, func(s *store.Score) error { return w.work(ctx, job, s) })
}

func (w *indexWorker) work(ctx context.Context, job *river.Job[IndexArgs], s *store.Score) error {
	d, a := w.d, job.Args
	write := func(tx pgx.Tx) error {
		if err := store.RefreshScore(ctx, tx, s.ID); err != nil {
			return err
		}
		return store.FinishScore(ctx, tx, s.ID, a.RunID, store.ScoreReady, nil)
	}
	return finish(ctx, d, job, a.RunID, StepIndex, write, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{}, nil // the last step
	})
}

type deleteBlobsWorker struct {
	river.WorkerDefaults[DeleteBlobsArgs]
	d *Deps
}

func (w *deleteBlobsWorker) Work(ctx context.Context, job *river.Job[DeleteBlobsArgs]) error {
	for _, id := range job.Args.ScoreIDs {
		if err := w.d.Blobs.DeletePrefix(ctx, scorePrefix(id)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteOwnerBlobs deletes the files of every score userID owns and, in tx, schedules their
// deletion again after LateDeletion (for jobs still running). It runs before the account's
// rows go, so that a crash in between leaves the rows to find the files by.
func DeleteOwnerBlobs(ctx context.Context, tx pgx.Tx, ins runs.Inserter, blobs blob.Store, userID uuid.UUID) error {
	ids, err := store.ScoreOwnerIDs(ctx, tx, userID)
	if err != nil || len(ids) == 0 {
		return err
	}
	for _, id := range ids {
		if err := blobs.DeletePrefix(ctx, scorePrefix(id)); err != nil {
			return err
		}
	}
	return scheduleBlobDeletion(ctx, tx, ins, ids, false)
}
