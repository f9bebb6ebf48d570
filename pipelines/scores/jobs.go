package scores

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/blob"
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
	Logger   *slog.Logger
}

const fallbackAfter = 3

// AddWorkers registers the pipeline's workers.
func AddWorkers(w *river.Workers, d *Deps) {
	river.AddWorker(w, &splitWorker{d: d})
	river.AddWorker(w, &renderWorker{d: d})
	river.AddWorker(w, &textWorker{d: d})
	river.AddWorker(w, &metadataWorker{d: d})
	river.AddWorker(w, &indexWorker{d: d})
	river.AddWorker(w, &deleteBlobsWorker{d: d})
}

// permanent marks an error no retry can cure; the score fails at once with reason.
type permanent struct {
	reason string
	err    error
}

func (p *permanent) Error() string { return p.reason + ": " + p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

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

// finish ends one job of step: in one transaction, the step's own writes (write, may be
// nil), the job's completion and, if it was the step's last job, the next step's jobs.
func finish[T river.JobArgs](ctx context.Context, d *Deps, job *river.Job[T], runID uuid.UUID, step string,
	write func(tx pgx.Tx) error, next func(ctx context.Context, tx pgx.Tx) (runs.Next, error),
) error {
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
		if write != nil {
			if err := write(tx); err != nil {
				return err
			}
		}
		err := runs.Done(ctx, tx, client, job, runID, step, next)
		if errors.Is(err, runs.ErrNotRunning) {
			return nil
		}
		return err
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
	if isPermanent {
		reason = p.reason
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
	if isPermanent {
		return river.JobCancel(err)
	}
	return err
}

// batches fans pages 1..n out in PagesPerJob batches.
func batches(n int, mk func(from, to int) river.JobArgs) []river.InsertManyParams {
	var out []river.InsertManyParams
	for from := 1; from <= n; from += PagesPerJob {
		out = append(out, river.InsertManyParams{Args: mk(from, min(from+PagesPerJob-1, n))})
	}
	return out
}

type splitWorker struct {
	river.WorkerDefaults[SplitArgs]
	d *Deps
}

func (w *splitWorker) Work(ctx context.Context, job *river.Job[SplitArgs]) error {
	a := job.Args
	err := w.work(ctx, job)
	return w.d.outcome(ctx, job.JobRow, a.ScoreID, a.RunID, StepSplit, err)
}

func (w *splitWorker) work(ctx context.Context, job *river.Job[SplitArgs]) error {
	d, a := w.d, job.Args
	s, ok, err := d.current(ctx, a.ScoreID, a.RunID)
	if err != nil || !ok {
		return err
	}
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
	err = doc.Split(ctx, runtime.GOMAXPROCS(0), func(n int, page []byte) error {
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
	return finish(ctx, d, job, a.RunID, StepSplit, nil, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{Step: StepRender, Jobs: batches(doc.Pages, func(from, to int) river.JobArgs {
			return RenderArgs{ScoreID: s.ID, RunID: a.RunID, From: from, To: to}
		})}, nil
	})
}

type renderWorker struct {
	river.WorkerDefaults[RenderArgs]
	d *Deps
}

func (w *renderWorker) Work(ctx context.Context, job *river.Job[RenderArgs]) error {
	a := job.Args
	err := w.work(ctx, job)
	return w.d.outcome(ctx, job.JobRow, a.ScoreID, a.RunID, StepRender, err)
}

func (w *renderWorker) work(ctx context.Context, job *river.Job[RenderArgs]) error {
	d, a := w.d, job.Args
	s, ok, err := d.current(ctx, a.ScoreID, a.RunID)
	if err != nil || !ok {
		return err
	}
	pages, err := store.ScorePages(ctx, d.Pool, s.ID, a.From, a.To)
	if err != nil {
		return err
	}
	for _, p := range pages {
		data, err := blob.Get(ctx, d.Blobs, p.PDFKey, 0)
		if err != nil {
			return err
		}
		png, err := d.Tools.Render(ctx, data, renderDPI(ctx, data, d.DPI), 0)
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
		return runs.Next{Step: StepText, Jobs: batches(s.PageCount, func(from, to int) river.JobArgs {
			return TextArgs{ScoreID: s.ID, RunID: a.RunID, From: from, To: to}
		})}, nil
	})
}

// maxImageSide bounds a page image's longer side in pixels: a page that claims to be two
// hundred inches wide is rendered at a lower resolution, not into gigabytes of memory.
const maxImageSide = 6000

// renderDPI is dpi, lowered for pages so large that their image would be over maxImageSide.
func renderDPI(ctx context.Context, page []byte, dpi int) int {
	doc, err := pdf.Open(ctx, page, pdf.Limits{MaxPages: 1, Timeout: 10 * time.Second})
	if err != nil {
		return dpi
	}
	w, h, ok := doc.PageSize(1)
	if !ok || max(w, h) <= 0 {
		return dpi
	}
	if limit := int(maxImageSide * 72 / max(w, h)); limit < dpi {
		return max(limit, 1)
	}
	return dpi
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

func (w *textWorker) Work(ctx context.Context, job *river.Job[TextArgs]) error {
	a := job.Args
	err := w.work(ctx, job)
	return w.d.outcome(ctx, job.JobRow, a.ScoreID, a.RunID, StepText, err)
}

func (w *textWorker) work(ctx context.Context, job *river.Job[TextArgs]) error {
	d, a := w.d, job.Args
	s, ok, err := d.current(ctx, a.ScoreID, a.RunID)
	if err != nil || !ok {
		return err
	}
	pages, err := store.ScorePages(ctx, d.Pool, s.ID, a.From, a.To)
	if err != nil {
		return err
	}
	texts := make(map[int]string, len(pages))
	for _, p := range pages {
		data, err := blob.Get(ctx, d.Blobs, p.PDFKey, 0)
		if err != nil {
			return err
		}
		text, err := d.Tools.Text(ctx, data)
		if err != nil {
			return pageError(p.N, "read for text", err)
		}
		texts[p.N] = strings.TrimSpace(strings.ReplaceAll(text, "\x00", ""))
	}
	write := func(tx pgx.Tx) error {
		for n, t := range texts {
			if err := store.SetScorePageText(ctx, tx, s.ID, n, t); err != nil {
				return err
			}
		}
		return nil
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
	a := job.Args
	err := w.work(ctx, job)
	return w.d.outcome(ctx, job.JobRow, a.ScoreID, a.RunID, StepMetadata, err)
}

func (w *metadataWorker) work(ctx context.Context, job *river.Job[MetadataArgs]) error {
	d, a := w.d, job.Args
	s, ok, err := d.current(ctx, a.ScoreID, a.RunID)
	if err != nil || !ok {
		return err
	}
	first := ""
	if pages, err := store.ScorePages(ctx, d.Pool, s.ID, 1, 1); err != nil {
		return err
	} else if len(pages) == 1 && pages[0].Text != nil {
		first = *pages[0].Text
	}
	in := metadata.Input{Filename: s.Filename, Info: s.PDFInfo, FirstPageText: first, Pages: s.PageCount}
	res, err := d.Metadata.Extract(ctx, in)
	var later *metadata.RetryLater
	switch {
	case errors.As(err, &later):
		// The AI service asked us to wait: snoozed, not failed.
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
	a := job.Args
	err := w.work(ctx, job)
	return w.d.outcome(ctx, job.JobRow, a.ScoreID, a.RunID, StepIndex, err)
}

func (w *indexWorker) work(ctx context.Context, job *river.Job[IndexArgs]) error {
	d, a := w.d, job.Args
	s, ok, err := d.current(ctx, a.ScoreID, a.RunID)
	if err != nil || !ok {
		return err
	}
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

// DeleteOwnerBlobs deletes the blobs of every score userID owns (account deletion: before
// the rows go, so that a crash in between leaves rows to find the blobs by).
func DeleteOwnerBlobs(ctx context.Context, db store.DB, blobs blob.Store, userID uuid.UUID) error {
	ids, err := store.ScoreOwnerIDs(ctx, db, userID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := blobs.DeletePrefix(ctx, scorePrefix(id)); err != nil {
			return err
		}
	}
	return nil
}
