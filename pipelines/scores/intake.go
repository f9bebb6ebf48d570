// Package scores is the scores pipeline: intake (validate an untrusted PDF, store it, and
// record the score with its first job in one transaction) and the River jobs that take it
// from there, on the scores queue, as one run of pipelines/runs:
//
//	[fetch (1)] → split (1 job) → render (page batches) → text (page batches) → metadata (1) → index (1)
//
// A URL import starts with fetch, which downloads the file and accepts it as an upload is
// accepted (the same validation), then goes on to split.
//
// Every step is idempotent: blob keys are a function of the score and the page, and pages
// are rows keyed by (score, page number), so a worker killed mid-step and retried writes
// each page once.
package scores

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/fanout"
	"github.com/mirubato/mirubato/pipelines/runs"
)

// RunKind is the pipeline_runs kind of a score's processing.
const RunKind = "score"

// Steps, in order.
const (
	StepFetch    = "fetch" // URL imports only
	StepSplit    = "split"
	StepRender   = "render"
	StepText     = "text"
	StepMetadata = "metadata"
	StepIndex    = "index"

	// StepCount is the number of steps of an upload's run; a URL import's has one more
	// (fetch).
	StepCount = 5
)

// Progress is how far a run with these steps is, 0–1: the share of its steps done.
func Progress(steps map[string]store.RunStep, state string) float64 {
	if state == store.RunDone {
		return 1
	}
	total, done := StepCount, 0
	if _, ok := steps[StepFetch]; ok {
		total++
	}
	for _, st := range steps {
		if st.State == store.RunDone {
			done++
		}
	}
	return min(1, float64(done)/float64(total))
}

// Pages per job of the render and the text step. Small batches keep every core busy to
// the end of a step (a 20-page score is five render jobs, not three of which the last runs
// alone); the text step's are smaller still, as a scanned page's OCR takes seconds.
const (
	renderPagesPerJob = 4
	textPagesPerJob   = 2
)

// Blob keys: everything of a score is under scores/<id>/.
func scorePrefix(id uuid.UUID) string    { return "scores/" + id.String() }
func originalKey(id uuid.UUID) string    { return scorePrefix(id) + "/original.pdf" }
func pageKey(id uuid.UUID, n int) string { return fmt.Sprintf("%s/pages/%05d.pdf", scorePrefix(id), n) }
func imageKey(id uuid.UUID, n int) string {
	return fmt.Sprintf("%s/pages/%05d.png", scorePrefix(id), n)
}
func thumbnailKey(id uuid.UUID) string { return scorePrefix(id) + "/thumbnail.png" }

// Intake accepts scores.
type Intake struct {
	Pool   *pgxpool.Pool
	Blobs  blob.Store
	Limits pdf.Limits
	Logger *slog.Logger
	// CheckMaxBytes: a file up to this size is read whole when it is checked (a damaged one
	// is refused then); a larger one gets the cheap checks only (size, signature) and is
	// read by the split step, which fails its run when it is damaged. 0: every file is read.
	// Reading a PDF holds all of it in memory: this bounds what an API process holds.
	CheckMaxBytes int64
}

// Upload is a file offered as a score.
type Upload struct {
	OwnerID  uuid.UUID
	Filename string
	// The file: Data in memory, or File on disk (Size bytes: an upload the API received
	// into a temporary file, never held whole in memory).
	Data       []byte
	File       io.ReaderAt
	Size       int64
	Source     string // upload, images, url, imslp
	SourceURL  *string
	Visibility string            // "" is private
	Metadata   map[string]string // values the uploader gave (title, composer…): corrections
	// InTx, if set, runs in the transaction that records the score (an importer's own rows):
	// its failure records nothing.
	InTx func(tx pgx.Tx, scoreID uuid.UUID) error
}

// Accept validates u and, if it is a PDF we take, stores it and records the score and the
// first job of its pipeline in one transaction. A refused file (a *pdf.Refused) leaves
// nothing behind; so does any other failure (the stored blob is deleted again).
func (in *Intake) Accept(ctx context.Context, ins runs.Inserter, u Upload) (*store.Score, *store.Run, error) {
	checked, err := in.Check(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if err := in.Store(ctx, checked); err != nil {
		return nil, nil, err
	}
	score, run, err := in.Record(ctx, in.Pool, ins, checked)
	if err != nil {
		in.Discard(context.WithoutCancel(ctx), checked.ScoreID)
		return nil, nil, err
	}
	return score, run, nil
}

// Checked is an upload that passed the checks, ready to be stored (Store) and recorded
// (Record) as the score ScoreID.
type Checked struct {
	ScoreID uuid.UUID
	u       Upload
	file    *store.ScoreFile
}

// Check validates u (a *pdf.Refused says why it is not taken). It stores and writes nothing,
// so a caller can check an upload before it opens the transaction that will record it.
func (in *Intake) Check(ctx context.Context, u Upload) (*Checked, error) {
	content, size := u.content()
	var pages int
	var info map[string]string
	if in.CheckMaxBytes > 0 && size > in.CheckMaxBytes {
		// Too large to read here: what costs nothing now, the rest in the split step.
		if err := pdf.Sniff(content, size, in.Limits); err != nil {
			return nil, err
		}
	} else {
		doc, err := pdf.OpenReader(ctx, content, size, in.Limits)
		if err != nil {
			return nil, err
		}
		pages, info = doc.Pages, doc.Info
	}
	file, err := fileOf(io.NewSectionReader(content, 0, size), pages, info)
	if err != nil {
		return nil, err
	}
	return &Checked{ScoreID: uuid.New(), u: u, file: file}, nil
}

// Store stores a checked upload's file: before the transaction that records it, so that no
// transaction is open while a file (of up to SCORE_MAX_BYTES, maybe to a remote bucket) is
// written. A caller that then does not record it deletes it with Discard.
func (in *Intake) Store(ctx context.Context, c *Checked) error {
	content, size := c.u.content()
	return in.putOriginal(ctx, c.ScoreID, io.NewSectionReader(content, 0, size), size)
}

// content is the upload's file, wherever it is.
func (u *Upload) content() (io.ReaderAt, int64) {
	if u.File != nil {
		return u.File, u.Size
	}
	return bytes.NewReader(u.Data), int64(len(u.Data))
}

// Record records a stored upload: the score, its run and the first job, in db (a
// transaction of the caller's makes a savepoint: the caller's commit decides).
func (in *Intake) Record(ctx context.Context, db store.DB, ins runs.Inserter, c *Checked) (*store.Score, *store.Run, error) {
	u, id := c.u, c.ScoreID
	return record(ctx, db, ins, store.NewScore{
		ID: id, OwnerID: u.OwnerID, Source: u.Source, SourceURL: u.SourceURL, Filename: cleanFilename(u.Filename),
		SizeBytes: c.file.SizeBytes, SHA256: c.file.SHA256, PageCount: c.file.PageCount, BlobKey: originalKey(id),
		PDFInfo: c.file.PDFInfo, Visibility: u.Visibility, Corrections: corrections(u.Metadata),
	}, "", u.InTx)
}

// record writes, in one transaction of db's, a score, its run with the first job (fetch from
// fetchURL when it is set, else split) and what inTx (may be nil) adds.
func record(ctx context.Context, db store.DB, ins runs.Inserter, s store.NewScore, fetchURL string,
	inTx func(tx pgx.Tx, scoreID uuid.UUID) error,
) (*store.Score, *store.Run, error) {
	var score *store.Score
	var run *store.Run
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := store.CreateScore(ctx, tx, s); err != nil {
			return err
		}
		var err error
		if run, err = start(ctx, tx, ins, s.ID, s.OwnerID, fetchURL); err != nil {
			return err
		}
		if inTx != nil {
			if err := inTx(tx, s.ID); err != nil {
				return err
			}
		}
		score, err = store.ScoreByID(ctx, tx, s.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return score, run, nil
}

// Discard deletes the files of a score that was not recorded after all.
func (in *Intake) Discard(ctx context.Context, scoreID uuid.UUID) {
	if err := in.Blobs.DeletePrefix(ctx, scorePrefix(scoreID)); err != nil {
		in.Logger.ErrorContext(ctx, "could not delete the files of a score that was not recorded",
			slog.String("score_id", scoreID.String()), slog.Any("error", err))
	}
}

// storeOriginal is the intake's check of an untrusted file, for uploads and for URL imports
// alike: data must be a PDF we take (else a *pdf.Refused), and is then stored as score id's
// original. It returns what the score's row records of the file.
func (in *Intake) storeOriginal(ctx context.Context, id uuid.UUID, data []byte) (*store.ScoreFile, error) {
	doc, err := pdf.Open(ctx, data, in.Limits)
	if err != nil {
		return nil, err
	}
	if err := in.putOriginal(ctx, id, bytes.NewReader(data), int64(len(data))); err != nil {
		return nil, err
	}
	return fileOf(bytes.NewReader(data), doc.Pages, doc.Info)
}

func (in *Intake) putOriginal(ctx context.Context, id uuid.UUID, r io.Reader, size int64) error {
	if _, err := in.Blobs.Put(ctx, originalKey(id), r, size); err != nil {
		return fmt.Errorf("error storing the PDF: %w", err)
	}
	return nil
}

// fileOf is what the score's row records of a checked file, read from r (pages 0: not read
// yet, the split step counts them).
func fileOf(r io.Reader, pages int, info map[string]string) (*store.ScoreFile, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return nil, fmt.Errorf("error reading the PDF: %w", err)
	}
	return &store.ScoreFile{SizeBytes: n, SHA256: hex.EncodeToString(h.Sum(nil)), PageCount: pages, PDFInfo: info}, nil
}

// corrections are the values an uploader gave with the file, without blanks.
func corrections(meta map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range meta {
		if v = strings.TrimSpace(v); v != "" {
			out[k] = v
		}
	}
	return out
}

// start begins a run for the score and makes it the score's run. Its first step is split,
// or, for a URL import whose file is still to be downloaded from fetchURL, fetch.
func start(ctx context.Context, tx pgx.Tx, ins runs.Inserter, scoreID, ownerID uuid.UUID, fetchURL string) (*store.Run, error) {
	run, err := runs.Start(ctx, tx, ins, runs.StartParams{Kind: RunKind, Subject: scoreID.String(), OwnerID: &ownerID,
		First: func(runID uuid.UUID) runs.Next {
			if fetchURL != "" {
				return runs.Next{Step: StepFetch, Jobs: []river.InsertManyParams{{Args: FetchArgs{ScoreID: scoreID, RunID: runID, URL: fetchURL}}}}
			}
			return runs.Next{Step: StepSplit, Jobs: []river.InsertManyParams{{Args: SplitArgs{ScoreID: scoreID, RunID: runID}}}}
		}})
	if err != nil {
		return nil, err
	}
	if err := store.StartScoreRun(ctx, tx, scoreID, run.ID); err != nil {
		return nil, err
	}
	return run, nil
}

// Controller is what the API needs of a River client to stop and restart pipelines.
type Controller interface {
	runs.Inserter
	runs.Canceller
}

// Reprocess cancels the score's current run, if any, and starts a new one, in tx. Values
// the owner corrected stay: they live apart from what the pipeline extracts. A URL import
// whose download never succeeded is downloaded again.
func Reprocess(ctx context.Context, tx pgx.Tx, c Controller, s *store.Score) (*store.Run, error) {
	if s.RunID != nil {
		if err := runs.Cancel(ctx, tx, c, *s.RunID); err != nil {
			return nil, err
		}
	}
	return start(ctx, tx, c, s.ID, s.OwnerID, toFetch(s))
}

// Delete deletes userID's score in tx: its row (pages, favourites and collection entries
// cascade), its pending jobs, and, by a job inserted in the same transaction, its blobs.
// Everyone whose favourites or collections lose it (the owner, and others when it was
// shared) is told through the sync fan-out. ErrNotFound for anyone else's.
func Delete(ctx context.Context, tx pgx.Tx, c Controller, userID, id uuid.UUID, ifVersion *int) error {
	followers, err := store.ScoreFollowers(ctx, tx, userID, []uuid.UUID{id})
	if err != nil {
		return err
	}
	s, err := store.DeleteScore(ctx, tx, userID, id, ifVersion)
	if err != nil {
		return err
	}
	if err := fanout.EnqueueTx(ctx, tx, c, followers); err != nil {
		return err
	}
	if s.RunID != nil {
		if err := runs.Cancel(ctx, tx, c, *s.RunID); err != nil {
			return err
		}
	}
	return scheduleBlobDeletion(ctx, tx, c, []uuid.UUID{id}, true)
}

// LateDeletion is when deleted scores' files are deleted a second time: after any job that
// was still running when they were deleted has ended (every scores job is bounded by about
// a minute at the defaults; docs/timeouts.md), so a page it wrote after the first deletion
// does not stay behind.
const LateDeletion = 10 * time.Minute

// scheduleBlobDeletion inserts, in tx, the deletion of the scores' files: now (unless now is
// false) and again after LateDeletion.
func scheduleBlobDeletion(ctx context.Context, tx pgx.Tx, ins runs.Inserter, ids []uuid.UUID, now bool) error {
	params := []river.InsertManyParams{{Args: DeleteBlobsArgs{ScoreIDs: ids},
		InsertOpts: &river.InsertOpts{ScheduledAt: time.Now().Add(LateDeletion)}}}
	if now {
		params = append(params, river.InsertManyParams{Args: DeleteBlobsArgs{ScoreIDs: ids}})
	}
	if _, err := ins.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("error scheduling the deletion of files: %w", err)
	}
	return nil
}

// cleanFilename keeps the base name, without control characters, at most 255 bytes.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(strings.ToValidUTF8(name, ""), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == "/" {
		return "score.pdf"
	}
	return name
}

// IsRefused reports whether err is a refusal of the file, with its reason.
func IsRefused(err error) (string, bool) {
	var r *pdf.Refused
	if errors.As(err, &r) {
		return r.Reason, true
	}
	return "", false
}
