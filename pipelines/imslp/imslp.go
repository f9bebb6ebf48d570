// Package imslp imports scores from IMSLP: a batch (one work, a list, or a composer's works
// with filters) is a record and one item per work. Works get their job on the imslp queue a
// few at a time per user, so that users take turns (dispatch.go). A work's job reads its
// page, picks the best public-domain PDF for the configured jurisdiction, downloads it and
// creates the score with its pipeline's first job in one transaction, recording the IMSLP
// ids so a work or file is imported once per user. docs/imslp.md describes it.
package imslp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/imslp"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// Request is what a batch imports: Works (references: URLs, page ids or titles), or the
// works of Composer (IMSLP's category name, "Chopin, Frédéric") whose instrumentation
// contains Instrumentation, at most Limit of them.
type Request struct {
	Works           []string `json:"works,omitempty" validate:"max=10000,dive,min=1,max=500"`
	Composer        string   `json:"composer,omitempty" validate:"max=200"`
	Instrumentation string   `json:"instrumentation,omitempty" validate:"max=100"`
	Limit           int      `json:"limit,omitempty" validate:"min=0,max=10000"`
}

// filteredLimit is the most works a filtered composer batch imports (0: no limit to apply
// as works are imported). The filter is known only from each work's page, so such a limit
// counts works as they get in; an unfiltered composer batch's limit cuts its listing.
func (r *Request) filteredLimit() int {
	if r.Composer == "" || strings.TrimSpace(r.Instrumentation) == "" {
		return 0
	}
	return r.Limit
}

// gotIn counts the works of a batch imported or already owned: what its limit counts.
func gotIn(ctx context.Context, db store.DB, batchID uuid.UUID) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM imslp_batch_items WHERE batch_id = $1 AND state IN ('imported', 'duplicate')`,
		batchID).Scan(&n)
	return n, err
}

// ImportWorkArgs imports one work of a batch.
type ImportWorkArgs struct {
	BatchID uuid.UUID `json:"batch_id" river:"unique"`
	Work    string    `json:"work" river:"unique"`
}

// Kind implements river.JobArgs.
func (ImportWorkArgs) Kind() string { return "imslp_import_work" }

// InsertOpts implements river.JobArgsWithInsertOpts: one job per batch item.
func (ImportWorkArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.IMSLP, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ListComposerArgs lists a composer batch's works, then inserts their items and jobs.
type ListComposerArgs struct {
	BatchID uuid.UUID `json:"batch_id"`
}

// Kind implements river.JobArgs.
func (ListComposerArgs) Kind() string { return "imslp_list_composer" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ListComposerArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queues.IMSLP, MaxAttempts: 8}
}

// CreateBatch records a batch of ownerID with its works, and inserts the jobs of the first
// of them (StartWindow, less the owner's works under way) or the composer's listing job, in
// one transaction (a savepoint of db's, when db is the caller's transaction). A list of
// works is validated first (every reference must parse): nothing is written otherwise.
func CreateBatch(ctx context.Context, db store.DB, client *river.Client[pgx.Tx], ownerID uuid.UUID, req Request) (uuid.UUID, error) {
	req.Composer = strings.TrimSpace(req.Composer)
	req.Instrumentation = strings.TrimSpace(req.Instrumentation)
	if len(req.Works) > MaxWorks || req.Limit < 0 || req.Limit > MaxWorks {
		return uuid.Nil, &BadRequest{Reason: fmt.Sprintf("a batch has at most %d works, and a limit from 0 to %d", MaxWorks, MaxWorks)}
	}
	if (len(req.Works) == 0) == (req.Composer == "") {
		return uuid.Nil, &BadRequest{Reason: "give either works (a list of IMSLP works) or a composer, not both"}
	}
	if len(req.Works) > 0 && req.Limit > 0 {
		return uuid.Nil, &BadRequest{Reason: "limit applies to a composer's works; a list of works is imported whole"}
	}
	works := make([]string, 0, len(req.Works))
	seen := map[string]bool{}
	for _, w := range req.Works {
		ref, err := imslp.ParseRef(w)
		if err != nil {
			return uuid.Nil, &BadRequest{Reason: err.Error()}
		}
		if key := ref.String(); !seen[key] {
			seen[key] = true
			works = append(works, key)
		}
	}
	id := uuid.New()
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return uuid.Nil, err
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := lockOwner(ctx, tx, ownerID); err != nil {
			return err
		}
		var active int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM imslp_batches WHERE owner_id = $1 AND status IN ('listing', 'running')`,
			ownerID).Scan(&active); err != nil {
			return err
		}
		if active >= MaxActiveBatches {
			return ErrTooMany
		}
		status := "running"
		if req.Composer != "" {
			status = "listing"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO imslp_batches (id, owner_id, request, status) VALUES ($1, $2, $3, $4)`,
			id, ownerID, reqJSON, status); err != nil {
			return fmt.Errorf("error recording the batch: %w", err)
		}
		if req.Composer != "" {
			_, err := client.InsertTx(ctx, tx, ListComposerArgs{BatchID: id}, nil)
			return err
		}
		if err := addItems(ctx, tx, id, works); err != nil {
			return err
		}
		_, err := dispatch(ctx, tx, client, ownerID, StartWindow, 1)
		return err
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

// MaxWorks is the most works in a batch.
const MaxWorks = 10000

// MaxActiveBatches is how many unfinished batches a user may have at once.
const MaxActiveBatches = 5

// ErrTooMany is a new batch of a user who has MaxActiveBatches unfinished.
var ErrTooMany = fmt.Errorf("there are %d unfinished IMSLP imports already; wait for one to end or cancel one", MaxActiveBatches)

// BadRequest is a batch request that cannot be accepted.
type BadRequest struct{ Reason string }

func (e *BadRequest) Error() string { return e.Reason }

// addItems records the batch's works, in the order given, in tx. They wait for dispatch.
func addItems(ctx context.Context, tx pgx.Tx, batchID uuid.UUID, works []string) error {
	if _, err := tx.Exec(ctx, `
		INSERT INTO imslp_batch_items (batch_id, work, position)
		SELECT $1, w.work, w.n FROM unnest($2::text[]) WITH ORDINALITY AS w(work, n) ON CONFLICT DO NOTHING`,
		batchID, works); err != nil {
		return fmt.Errorf("error recording the batch's works: %w", err)
	}
	return nil
}

// Deps is what the workers use.
type Deps struct {
	Pool         *pgxpool.Pool
	Client       *imslp.Client
	Intake       *scores.Intake
	Jurisdiction string // us, eu or ca
	// Timeout bounds one work's import (0: 5 minutes). River rescues a dead worker's import
	// only after it, so it should stay well under the worst case of a real import.
	Timeout time.Duration
	// Window is how many works of one owner have a job at once (WindowFor of the shared
	// rate; 0: WindowFor(0), no limit).
	Window int
	Logger *slog.Logger
}

func (d *Deps) window() int {
	if d.Window > 0 {
		return d.Window
	}
	return WindowFor(0)
}

// AddWorkers registers the pipeline's workers.
func AddWorkers(w *river.Workers, d *Deps) {
	river.AddWorker(w, &ImportWorker{d: d})
	river.AddWorker(w, &ListWorker{d: d})
	river.AddWorker(w, &SweepWorker{d: d})
}

// snooze turns IMSLP's "later" into a snooze, with a little jitter so that jobs told the
// same thing do not all come back at once.
func snooze(later *imslp.RetryLater) error {
	return river.JobSnooze(later.After + time.Duration(rand.Int64N(int64(time.Second)))) //nolint:gosec // jitter
}

// ListWorker lists a composer's works.
type ListWorker struct {
	river.WorkerDefaults[ListComposerArgs]
	d *Deps
}

// Work implements river.Worker. The listing restarts from the first page on a retry;
// items already recorded are kept (their jobs are unique per batch and work).
func (w *ListWorker) Work(ctx context.Context, job *river.Job[ListComposerArgs]) error {
	var raw []byte
	var status string
	var owner uuid.UUID
	if err := w.d.Pool.QueryRow(ctx, `SELECT request, status, owner_id FROM imslp_batches WHERE id = $1`,
		job.Args.BatchID).Scan(&raw, &status, &owner); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	}
	if status != "listing" {
		return nil // cancelled, or listed already
	}
	var req Request
	if err := json.Unmarshal(raw, &req); err != nil {
		return river.JobCancel(err)
	}
	// An unfiltered batch's limit cuts the listing; a filtered one's counts imports.
	cut := 0
	if req.filteredLimit() == 0 {
		cut = req.Limit
	}
	var works []string
	cont := ""
	for {
		page, next, err := w.d.Client.CategoryWorks(ctx, req.Composer, cont)
		var later *imslp.RetryLater
		if errors.As(err, &later) {
			return snooze(later)
		}
		if err != nil {
			return w.failBatch(ctx, job, err)
		}
		works = append(works, page...)
		if next == "" || (cut > 0 && len(works) >= cut) {
			break
		}
		cont = next
	}
	if cut > 0 && len(works) > cut {
		works = works[:cut]
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
		if err := lockOwner(ctx, tx, owner); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE imslp_batches SET status = 'running' WHERE id = $1 AND status = 'listing'`, job.Args.BatchID)
		if err != nil || tag.RowsAffected() == 0 {
			return err // cancelled meanwhile
		}
		if len(works) == 0 {
			_, err := tx.Exec(ctx, `UPDATE imslp_batches SET status = 'done', finished_at = now() WHERE id = $1`, job.Args.BatchID)
			return err
		}
		if err := addItems(ctx, tx, job.Args.BatchID, works); err != nil {
			return err
		}
		_, err = dispatch(ctx, tx, client, owner, w.d.window(), 1)
		return err
	})
}

func (w *ListWorker) failBatch(ctx context.Context, job *river.Job[ListComposerArgs], cause error) error {
	if job.Attempt < job.MaxAttempts && !errors.Is(cause, imslp.ErrNotFound) {
		return cause
	}
	_, err := w.d.Pool.Exec(ctx, `UPDATE imslp_batches SET status = 'failed', error = $2, finished_at = now()
		WHERE id = $1 AND status = 'listing'`,
		job.Args.BatchID, "listing the composer's works failed: "+cause.Error())
	return err
}

// ImportWorker imports one work.
type ImportWorker struct {
	river.WorkerDefaults[ImportWorkArgs]
	d *Deps
}

// Timeout implements river.Worker: a page, a download (each bounded by the HTTP client) and
// the limiter's waits.
func (w *ImportWorker) Timeout(*river.Job[ImportWorkArgs]) time.Duration {
	if w.d.Timeout > 0 {
		return w.d.Timeout
	}
	return 5 * time.Minute
}

type item struct {
	owner     uuid.UUID
	status    string
	filter    string
	itemState string
}

// Work implements river.Worker.
func (w *ImportWorker) Work(ctx context.Context, job *river.Job[ImportWorkArgs]) error {
	a := job.Args
	var it item
	var raw []byte
	err := w.d.Pool.QueryRow(ctx, `
		SELECT b.owner_id, b.status, b.request, i.state FROM imslp_batches b
		JOIN imslp_batch_items i ON i.batch_id = b.id AND i.work = $2 WHERE b.id = $1`, a.BatchID, a.Work).
		Scan(&it.owner, &it.status, &raw, &it.itemState)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // the batch was deleted with its owner
	}
	if err != nil {
		return err
	}
	if it.itemState != "queued" {
		return nil // done already (a retry after the commit)
	}
	if it.status == "cancelled" {
		return w.finish(ctx, a, "cancelled", "the batch was cancelled", nil, nil, nil)
	}
	var req Request
	_ = json.Unmarshal(raw, &req)
	it.filter = strings.ToLower(strings.TrimSpace(req.Instrumentation))
	if limit := req.filteredLimit(); limit > 0 {
		// Reached already: skip without asking IMSLP (finishTx holds the limit exactly).
		n, err := gotIn(ctx, w.d.Pool, a.BatchID)
		if err != nil {
			return err
		}
		if n >= limit {
			return w.finish(ctx, a, "skipped", (&limitError{limit: limit}).Error(), nil, nil, nil)
		}
	}

	err = w.importWork(ctx, job, it)
	var later *imslp.RetryLater
	switch {
	case errors.Is(err, errItemEnded):
		return nil
	case errors.As(err, &later):
		return snooze(later)
	case errors.Is(err, imslp.ErrNotFound):
		return w.finish(ctx, a, "failed", "IMSLP has no such work", nil, nil, nil)
	case err != nil && job.Attempt >= job.MaxAttempts:
		// The last attempt: its outcome is recorded even when the job's time ran out.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return w.finish(fctx, a, "failed", err.Error(), nil, nil, nil)
	}
	return err
}

func (w *ImportWorker) importWork(ctx context.Context, job *river.Job[ImportWorkArgs], it item) error {
	a := job.Args
	ref, err := imslp.ParseRef(a.Work)
	if err != nil {
		return w.finish(ctx, a, "failed", err.Error(), nil, nil, nil)
	}
	if ref.PageID > 0 {
		if done, err := w.duplicate(ctx, a, it.owner, "page_id", ref.PageID); done || err != nil {
			return err
		}
	}
	work, err := w.d.Client.Work(ctx, ref)
	if err != nil {
		return err
	}
	if done, err := w.duplicate(ctx, a, it.owner, "page_id", work.PageID); done || err != nil {
		return err
	}
	if it.filter != "" && !strings.Contains(strings.ToLower(work.Instrumentation), it.filter) {
		return w.finish(ctx, a, "skipped", fmt.Sprintf("its instrumentation is %q, not %q", work.Instrumentation, it.filter),
			&work.PageID, nil, nil)
	}
	best, why := work.Choose(w.d.Jurisdiction)
	if best == nil {
		return w.finish(ctx, a, "skipped", "no file can be imported: "+strings.Join(why, "; "), &work.PageID, nil, nil)
	}
	if done, err := w.duplicate(ctx, a, it.owner, "file_index", best.Index); done || err != nil {
		return err
	}
	data, err := w.d.Client.Download(ctx, best.Index)
	if err != nil {
		return err
	}
	workJSON, err := json.Marshal(work)
	if err != nil {
		return err
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	permalink := w.d.Client.BaseURL + "/wiki/" + strings.ReplaceAll(work.PageTitle, " ", "_")
	meta := map[string]string{"title": work.Title, "composer": work.Composer, "opus": work.Opus, "key": work.Key,
		"instrumentation": work.Instrumentation}
	_, _, err = w.d.Intake.Accept(ctx, client, scores.Upload{
		OwnerID: it.owner, Filename: best.Name, Data: data, Source: "imslp", SourceURL: &permalink, Metadata: meta,
		InTx: func(tx pgx.Tx, scoreID uuid.UUID) error {
			if _, err := tx.Exec(ctx, `
				INSERT INTO imslp_imports (owner_id, page_id, file_index, score_id, work) VALUES ($1, $2, $3, $4, $5)`,
				it.owner, work.PageID, best.Index, scoreID, workJSON); err != nil {
				return err
			}
			return w.finishTx(ctx, tx, a, "imported", "", &work.PageID, &best.Index, &scoreID)
		},
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		// Imported at the same moment by another batch of the same user: the work, or
		// its file under another page.
		if done, err := w.duplicate(ctx, a, it.owner, "page_id", work.PageID); done || err != nil {
			return err
		}
		if done, err := w.duplicate(ctx, a, it.owner, "file_index", best.Index); done || err != nil {
			return err
		}
		return fmt.Errorf("imported meanwhile, but neither the page nor the file is found: %w", err)
	}
	var over *limitError
	if errors.As(err, &over) {
		return w.finish(ctx, a, "skipped", over.Error(), &work.PageID, nil, nil)
	}
	if reason, refused := scores.IsRefused(err); refused {
		var panicked *pdf.Panic
		if errors.As(err, &panicked) {
			w.d.Logger.ErrorContext(ctx, "pdf library panicked on an IMSLP file", slog.Int64("page_id", work.PageID),
				slog.String("panic", fmt.Sprint(panicked.Value)), slog.String("stack", string(panicked.Stack)))
		} else {
			w.d.Logger.InfoContext(ctx, "IMSLP file refused", slog.Int64("page_id", work.PageID), slog.String("reason", reason),
				slog.Any("cause", errors.Unwrap(err)))
		}
		return w.finish(ctx, a, "failed", "IMSLP's file was refused: "+reason, &work.PageID, &best.Index, nil)
	}
	return err
}

// duplicate finishes the item as a duplicate when the owner already imported this work or
// file (column: page_id or file_index).
func (w *ImportWorker) duplicate(ctx context.Context, a ImportWorkArgs, owner uuid.UUID, column string, v int64) (bool, error) {
	var score uuid.UUID
	var page, index int64
	err := w.d.Pool.QueryRow(ctx, `SELECT score_id, page_id, file_index FROM imslp_imports WHERE owner_id = $1 AND `+column+` = $2`,
		owner, v).Scan(&score, &page, &index)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, w.finish(ctx, a, "duplicate", "already imported (IMSLP page "+strconv.FormatInt(page, 10)+")", &page, &index, &score)
}

// errItemEnded is an item that got its outcome elsewhere (its batch was cancelled) while
// its job imported it.
var errItemEnded = errors.New("the batch item has ended")

// limitError is a work of a filtered composer batch that has reached its limit.
type limitError struct{ limit int }

func (e *limitError) Error() string {
	return fmt.Sprintf("the batch's limit of %d works was reached", e.limit)
}

// finish records the item's outcome, and the batch's end when it was the last. An item that
// ended elsewhere is left as it is; a work over its batch's limit is skipped instead.
func (w *ImportWorker) finish(ctx context.Context, a ImportWorkArgs, state, reason string, page, index *int64, score *uuid.UUID) error {
	err := pgx.BeginFunc(ctx, w.d.Pool, func(tx pgx.Tx) error {
		return w.finishTx(ctx, tx, a, state, reason, page, index, score)
	})
	var over *limitError
	switch {
	case errors.Is(err, errItemEnded):
		return nil
	case errors.As(err, &over):
		return w.finish(ctx, a, "skipped", over.Error(), page, nil, nil)
	}
	return err
}

// finishTx records the item's outcome in tx, then gives the owner's next waiting work its
// job. It first takes the owner's lock, then the batch's row: finishing items of a batch
// (and Cancel) go one at a time, and each statement after the lock sees every earlier
// finisher's commit, so the last item ends the batch, the limit of a filtered composer
// batch counts every work that got in, and the owner's window is counted exactly.
func (w *ImportWorker) finishTx(ctx context.Context, tx pgx.Tx, a ImportWorkArgs, state, reason string, page, index *int64, score *uuid.UUID) error {
	owner, ok, err := lockBatchOwner(ctx, tx, a.BatchID)
	if err != nil {
		return err
	}
	if !ok {
		return errItemEnded // deleted with its owner
	}
	var req Request
	if err := tx.QueryRow(ctx, `SELECT request FROM imslp_batches WHERE id = $1 FOR UPDATE`, a.BatchID).Scan(&req); err != nil {
		return err
	}
	reached := false // this work is the last the batch's limit lets in
	if limit := req.filteredLimit(); limit > 0 && (state == "imported" || state == "duplicate") {
		n, err := gotIn(ctx, tx, a.BatchID)
		if err != nil {
			return err
		}
		if n >= limit {
			return &limitError{limit: limit}
		}
		reached = n+1 == limit
	}
	tag, err := tx.Exec(ctx, `
		UPDATE imslp_batch_items SET state = $3, reason = nullif($4, ''), page_id = $5, file_index = $6, score_id = $7,
			updated_at = now()
		WHERE batch_id = $1 AND work = $2 AND state = 'queued'`, a.BatchID, a.Work, state, reason, page, index, score)
	if err != nil {
		return fmt.Errorf("error recording the work's outcome: %w", err)
	}
	if tag.RowsAffected() == 0 {
		// Cancelled (or finished by an earlier run) meanwhile: an import is not kept.
		return errItemEnded
	}
	if reached {
		// The works still waiting are skipped now; those with a job skip themselves.
		if _, err := tx.Exec(ctx, `
			UPDATE imslp_batch_items SET state = 'skipped', reason = $2, updated_at = now()
			WHERE batch_id = $1 AND state = 'queued' AND dispatched_at IS NULL`,
			a.BatchID, (&limitError{limit: req.filteredLimit()}).Error()); err != nil {
			return fmt.Errorf("error skipping the works past the limit: %w", err)
		}
	}
	if err := endIfLast(ctx, tx, a.BatchID); err != nil {
		return err
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	_, err = dispatch(ctx, tx, client, owner, w.d.window(), refillStep(w.d.window()))
	return err
}

// endIfLast ends a running batch that has no queued item left; its row is locked.
func endIfLast(ctx context.Context, tx pgx.Tx, batchID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `
		UPDATE imslp_batches SET status = 'done', finished_at = now()
		WHERE id = $1 AND status = 'running'
			AND NOT EXISTS (SELECT 1 FROM imslp_batch_items WHERE batch_id = $1 AND state = 'queued')`, batchID); err != nil {
		return fmt.Errorf("error recording the batch's end: %w", err)
	}
	return nil
}
