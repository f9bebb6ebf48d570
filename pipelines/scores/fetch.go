package scores

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/fetch"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/runs"
)

// URLImport is a score to be downloaded from a URL by the pipeline's fetch step.
type URLImport struct {
	OwnerID    uuid.UUID
	URL        string
	Visibility string            // "" is private
	Metadata   map[string]string // values the importer gave (title, composer): corrections
}

// AcceptURL records a URL import in one transaction: the score (processing, without its
// file yet), its run and the run's first job, fetch, which downloads the file and accepts
// it as an upload is accepted. Only the URL's form is checked here (a *fetch.Refused):
// whatever the URL serves is the fetch step's to judge, so the request that asks for the
// import never waits for another server. db is where it is recorded: the pool, or the
// caller's transaction (a savepoint of it).
func (in *Intake) AcceptURL(ctx context.Context, db store.DB, ins runs.Inserter, u URLImport) (*store.Score, *store.Run, error) {
	parsed, err := fetch.CheckURL(u.URL)
	if err != nil {
		return nil, nil, err
	}
	raw := parsed.String()
	id := uuid.New()
	return record(ctx, db, ins, store.NewScore{
		ID: id, OwnerID: u.OwnerID, Source: "url", SourceURL: &raw, Filename: cleanFilename(fetch.NameFromURL(parsed)),
		BlobKey: originalKey(id), Visibility: u.Visibility, Corrections: corrections(u.Metadata),
	}, raw, nil)
}

// toFetch is the URL a score's file is still to be downloaded from ("" when it has its
// file): a URL import whose fetch step never succeeded.
func toFetch(s *store.Score) string {
	if s.Source == "url" && s.SizeBytes == 0 && s.SourceURL != nil {
		return *s.SourceURL
	}
	return ""
}

// FetchArgs downloads a URL import's file and accepts it as an upload is accepted.
type FetchArgs struct {
	ScoreID uuid.UUID `json:"score_id"`
	RunID   uuid.UUID `json:"run_id"`
	URL     string    `json:"url"`
}

// Kind implements river.JobArgs.
func (FetchArgs) Kind() string { return "score_fetch" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (FetchArgs) InsertOpts() river.InsertOpts { return stepOpts() }

type fetchWorker struct {
	river.WorkerDefaults[FetchArgs]
	d *Deps
}

// fetchSlack is the fetch job's time beyond the download and the parse: storing the file
// and the transaction that records it.
const fetchSlack = 10 * time.Second

// Timeout implements river.Worker: the download (SCORE_IMPORT_TIMEOUT), the intake's parse
// (PDF_PARSE_TIMEOUT), then storing.
func (w *fetchWorker) Timeout(*river.Job[FetchArgs]) time.Duration {
	return w.d.fetchTimeout()
}

func (d *Deps) fetchTimeout() time.Duration {
	download := time.Minute
	if d.Fetcher != nil {
		download = d.Fetcher.Timeout()
	}
	parse := d.Limits.Timeout
	if parse <= 0 {
		parse = 30 * time.Second // pdf.Open's default
	}
	return download + parse + fetchSlack
}

func (w *fetchWorker) Work(ctx context.Context, job *river.Job[FetchArgs]) error {
	return w.d.step(ctx, job.JobRow, job.Args.ScoreID, job.Args.RunID, StepFetch, func(s *store.Score) error { return w.work(ctx, job, s) })
}

func (w *fetchWorker) work(ctx context.Context, job *river.Job[FetchArgs], s *store.Score) error {
	d, a := w.d, job.Args
	if d.Fetcher == nil {
		return errors.New("this worker cannot download URL imports (scores.Deps.Fetcher is not set)")
	}
	file, err := d.Fetcher.Get(ctx, a.URL)
	var refused *fetch.Refused
	switch {
	case errors.Is(err, fetch.ErrTooLarge):
		return &permanent{reason: fmt.Sprintf("the file at the URL is larger than the limit of %s", pdf.Size(d.Limits.MaxBytes)), err: err}
	case errors.As(err, &refused) && refused.Temporary:
		return &retryable{reason: refused.Reason, err: err}
	case errors.As(err, &refused):
		return &permanent{reason: refused.Reason, err: err}
	case err != nil:
		return err
	}
	// The same check an upload gets; the file goes where an upload's would.
	f, err := d.intake().storeOriginal(ctx, s.ID, file.Data)
	if reason, ok := IsRefused(err); ok {
		return &permanent{reason: reason, err: err}
	}
	if err != nil {
		return err
	}
	f.Filename, f.SourceURL = cleanFilename(file.Filename), file.FinalURL
	write := func(tx pgx.Tx) error { return store.SetScoreFile(ctx, tx, s.ID, *f) }
	return finish(ctx, d, job, a.RunID, StepFetch, write, func(context.Context, pgx.Tx) (runs.Next, error) {
		return runs.Next{Step: StepSplit, Jobs: []river.InsertManyParams{{Args: SplitArgs{ScoreID: s.ID, RunID: a.RunID}}}}, nil
	})
}
