package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Score statuses.
const (
	ScoreProcessing = "processing"
	ScoreReady      = "ready"
	ScoreFailed     = "failed"
)

// MetaValue is one extracted metadata value: what it is, how sure the extractor is (0–1),
// and where it came from (info_dict, page_text, filename, ai).
type MetaValue struct {
	Value      any     `json:"value"`
	Confidence float64 `json:"confidence"`
	Source     string  `json:"source"`
}

// Score is a score as its owner and its viewers see it.
type Score struct {
	ID         uuid.UUID  `json:"id" db:"id"`
	OwnerID    uuid.UUID  `json:"owner_id" db:"owner_id"`
	Status     string     `json:"status" db:"status"`
	Failure    *string    `json:"failure,omitempty" db:"failure"`
	Source     string     `json:"source" db:"source"`
	SourceURL  *string    `json:"source_url,omitempty" db:"source_url"`
	Filename   string     `json:"filename" db:"filename"`
	SizeBytes  int64      `json:"size_bytes" db:"size_bytes"`
	SHA256     string     `json:"sha256" db:"sha256"`
	PageCount  int        `json:"page_count" db:"page_count"`
	Visibility string     `json:"visibility" db:"visibility"`
	Title      string     `json:"title" db:"title"`
	Composer   string     `json:"composer" db:"composer"`
	Opus       string     `json:"opus" db:"opus"`
	Difficulty *int       `json:"difficulty" db:"difficulty"`
	Version    int        `json:"version" db:"version"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at" db:"updated_at"`
	RunID      *uuid.UUID `json:"-" db:"run_id"`
	BlobKey    string     `json:"-" db:"blob_key"`
	// Extracted is what the pipeline found, per field; Corrections what the owner set.
	Extracted    map[string]MetaValue `json:"extracted" db:"extracted"`
	Corrections  map[string]any       `json:"corrections" db:"corrections"`
	ThumbnailKey *string              `json:"-" db:"thumbnail_key"`
	PDFInfo      map[string]string    `json:"-" db:"pdf_info"`
	// Notes say what could not be read of a score that is ready nonetheless ("page 3: the
	// scanned page could not be read: …").
	Notes []string `json:"notes" db:"notes"`
}

const scoreColumns = `id, owner_id, status, failure, source, source_url, filename, size_bytes, sha256, page_count,
	visibility, title, composer, opus, difficulty, version, created_at, updated_at, run_id, blob_key, extracted,
	corrections, thumbnail_key, pdf_info, notes`

// NewScore is a score accepted at intake. A URL import is recorded before its file is
// downloaded: SizeBytes, PageCount and SHA256 zero until SetScoreFile.
type NewScore struct {
	ID         uuid.UUID
	OwnerID    uuid.UUID
	Source     string
	SourceURL  *string
	Filename   string
	SizeBytes  int64
	SHA256     string
	PageCount  int
	BlobKey    string
	PDFInfo    map[string]string
	Visibility string
	// Corrections are values the uploader gave with the file (a title, say).
	Corrections map[string]any
}

// CreateScore records an accepted score (status processing).
func CreateScore(ctx context.Context, db DB, s NewScore) (*Score, error) {
	if s.Visibility == "" {
		s.Visibility = "private"
	}
	if s.Corrections == nil {
		s.Corrections = map[string]any{}
	}
	if _, err := db.Exec(ctx, `
		INSERT INTO scores (id, owner_id, source, source_url, filename, size_bytes, sha256, page_count, blob_key,
			visibility, corrections, pdf_info)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		s.ID, s.OwnerID, s.Source, s.SourceURL, s.Filename, s.SizeBytes, s.SHA256, s.PageCount, s.BlobKey,
		s.Visibility, s.Corrections, nonNilMap(s.PDFInfo)); err != nil {
		return nil, fmt.Errorf("error creating score: %w", err)
	}
	if err := RefreshScore(ctx, db, s.ID); err != nil {
		return nil, err
	}
	return ScoreByID(ctx, db, s.ID)
}

// ScoreFile is what a URL import learns of its file once the pipeline has downloaded it.
type ScoreFile struct {
	Filename  string
	SourceURL string // after redirects
	SizeBytes int64
	SHA256    string
	PageCount int
	PDFInfo   map[string]string
}

// SetScoreFile records the file of a URL import, downloaded after the score was recorded.
func SetScoreFile(ctx context.Context, db DB, id uuid.UUID, f ScoreFile) error {
	_, err := db.Exec(ctx, `UPDATE scores SET filename = $2, source_url = $3, size_bytes = $4, sha256 = $5, page_count = $6,
		pdf_info = $7, updated_at = now() WHERE id = $1`,
		id, f.Filename, f.SourceURL, f.SizeBytes, f.SHA256, f.PageCount, nonNilMap(f.PDFInfo))
	if err != nil {
		return fmt.Errorf("error recording the score's file: %w", err)
	}
	return nil
}

// SetScorePages records the page count and information dictionary of a score whose file was
// too large to be read when it was uploaded (the split step reads it).
func SetScorePages(ctx context.Context, db DB, id uuid.UUID, pages int, info map[string]string) error {
	_, err := db.Exec(ctx, `UPDATE scores SET page_count = $2, pdf_info = $3, updated_at = now() WHERE id = $1`,
		id, pages, nonNilMap(info))
	if err != nil {
		return fmt.Errorf("error recording the score's pages: %w", err)
	}
	return nil
}

// ScoreByID returns a score whoever owns it: for the pipeline, not for requests.
func ScoreByID(ctx context.Context, db DB, id uuid.UUID) (*Score, error) {
	rows, err := db.Query(ctx, `SELECT `+scoreColumns+` FROM scores WHERE id = $1`, id)
	return one[Score](rows, err, "reading score")
}

// GetScore returns score id as viewerID may see it: their own, or anyone's public or unlisted
// score (unlisted: reachable by its id, not listed). Anything else is ErrNotFound.
func GetScore(ctx context.Context, db DB, viewerID, id uuid.UUID) (*Score, error) {
	rows, err := db.Query(ctx, `SELECT `+scoreColumns+` FROM scores
		WHERE id = $1 AND (owner_id = $2 OR visibility IN ('public', 'unlisted'))`, id, viewerID)
	return one[Score](rows, err, "reading score")
}

// OwnedScore returns userID's own score id (for changes), else ErrNotFound.
func OwnedScore(ctx context.Context, db DB, userID, id uuid.UUID) (*Score, error) {
	rows, err := db.Query(ctx, `SELECT `+scoreColumns+` FROM scores WHERE id = $1 AND owner_id = $2`, id, userID)
	return one[Score](rows, err, "reading score")
}

// ScoreFilter selects scores for a list.
type ScoreFilter struct {
	// Scope: "mine" (the viewer's own), "public" (everyone's public, ready scores) or ""
	// (both).
	Scope  string
	Status string
	Limit  int
	Cursor string
}

var scoreSorts = map[string]sortSpec{
	"-created_at": {column: "created_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*Score).CreatedAt.Format(time.RFC3339Nano) }},
}

// ListScores returns a page of the scores viewerID may list, newest first.
func ListScores(ctx context.Context, db DB, viewerID uuid.UUID, f ScoreFilter) (*Page[Score], error) {
	q := &listQuery{}
	switch f.Scope {
	case "mine":
		q.add("owner_id = ?", viewerID)
	case "public":
		q.add("visibility = 'public' AND status = 'ready'")
	default:
		q.add("(owner_id = ? OR (visibility = 'public' AND status = 'ready'))", viewerID)
	}
	if f.Status != "" {
		q.add("status = ?", f.Status)
	}
	return page(ctx, db, `SELECT `+scoreColumns+` FROM scores`, q, scoreSorts, "-created_at", f.Cursor, f.Limit,
		byName[Score], func(s *Score) uuid.UUID { return s.ID })
}

// UpdateScore sets the owner's visibility and corrections (the whole set: fields left out
// are no longer corrected) on userID's score, if still at ifVersion when given.
func UpdateScore(ctx context.Context, db DB, userID, id uuid.UUID, visibility string, corrections map[string]any, ifVersion *int) (*Score, error) {
	if corrections == nil {
		corrections = map[string]any{}
	}
	tag, err := db.Exec(ctx, `
		UPDATE scores SET visibility = $3, corrections = $4, version = version + 1, updated_at = now()
		WHERE id = $1 AND owner_id = $2 AND ($5::int IS NULL OR version = $5)`, id, userID, visibility, corrections, ifVersion)
	if err != nil {
		return nil, fmt.Errorf("error updating score: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil, ownedVersionCheck(ctx, db, "scores", id, userID)
	}
	if err := RefreshScore(ctx, db, id); err != nil {
		return nil, err
	}
	return ScoreByID(ctx, db, id)
}

// DeleteScore deletes userID's score (its pages cascade) and returns it as it was, so the
// caller can delete its blobs and cancel its jobs.
func DeleteScore(ctx context.Context, db DB, userID, id uuid.UUID, ifVersion *int) (*Score, error) {
	rows, err := db.Query(ctx, `DELETE FROM scores WHERE id = $1 AND owner_id = $2 AND ($3::int IS NULL OR version = $3)
		RETURNING `+scoreColumns, id, userID, ifVersion)
	s, err := one[Score](rows, err, "deleting score")
	if errors.Is(err, ErrNotFound) && ifVersion != nil {
		return nil, ownedVersionCheck(ctx, db, "scores", id, userID)
	}
	return s, err
}

// ScoreOwnerIDs returns the ids of userID's scores (for deleting an account's blobs).
func ScoreOwnerIDs(ctx context.Context, db DB, userID uuid.UUID) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `SELECT id FROM scores WHERE owner_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("error listing scores: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// StartScoreRun marks the score processing again under run runID (a reprocess).
func StartScoreRun(ctx context.Context, db DB, id, runID uuid.UUID) error {
	_, err := db.Exec(ctx, `UPDATE scores SET run_id = $2, status = 'processing', failure = NULL, updated_at = now()
		WHERE id = $1`, id, runID)
	if err != nil {
		return fmt.Errorf("error starting score run: %w", err)
	}
	return nil
}

// FinishScore sets the score's status: ready, or failed with a reason a person understands.
// Only while run runID is still the score's current run (an older run's end changes nothing).
func FinishScore(ctx context.Context, db DB, id, runID uuid.UUID, status string, failure *string) error {
	_, err := db.Exec(ctx, `UPDATE scores SET status = $3, failure = $4, updated_at = now()
		WHERE id = $1 AND run_id = $2`, id, runID, status, failure)
	if err != nil {
		return fmt.Errorf("error finishing score: %w", err)
	}
	return nil
}

// SetScoreExtracted stores the pipeline's metadata and the thumbnail.
func SetScoreExtracted(ctx context.Context, db DB, id uuid.UUID, extracted map[string]MetaValue) error {
	if _, err := db.Exec(ctx, `UPDATE scores SET extracted = $2, updated_at = now() WHERE id = $1`, id, extracted); err != nil {
		return fmt.Errorf("error storing metadata: %w", err)
	}
	return RefreshScore(ctx, db, id)
}

// SetScoreThumbnail records the thumbnail's blob key.
func SetScoreThumbnail(ctx context.Context, db DB, id uuid.UUID, key string) error {
	if _, err := db.Exec(ctx, `UPDATE scores SET thumbnail_key = $2 WHERE id = $1`, id, key); err != nil {
		return fmt.Errorf("error storing thumbnail: %w", err)
	}
	return nil
}

// RefreshScore recomputes the effective metadata columns (a correction wins over an extracted
// value) and the search document (title, composer and opus weigh most, then the
// instrumentation and the other fields, then the pages' text), accent-insensitively.
func RefreshScore(ctx context.Context, db DB, id uuid.UUID) error {
	_, err := db.Exec(ctx, `
		UPDATE scores s SET title = e.title, composer = e.composer, opus = e.opus, instrumentation = e.instrumentation,
			period = e.period, difficulty = e.difficulty, notes = coalesce(t.notes, '{}'),
			search = setweight(to_tsvector('simple', unaccent(e.title || ' ' || e.composer || ' ' || e.opus)), 'A')
				|| setweight(to_tsvector('simple', unaccent(e.instrumentation || ' ' || e.subtitle || ' ' || e.arranger || ' ' || e.period)), 'B')
				|| setweight(to_tsvector('simple', unaccent(left(coalesce(t.text, ''), 500000))), 'D')
		FROM (
			SELECT `+effective("title")+` AS title, `+effective("composer")+` AS composer,
				`+effective("opus")+` AS opus, `+effective("instrumentation")+` AS instrumentation,
				`+effective("period")+` AS period, `+effective("subtitle")+` AS subtitle,
				`+effective("arranger")+` AS arranger,
				CASE WHEN jsonb_typeof(coalesce(corrections->'difficulty', extracted->'difficulty'->'value')) = 'number'
					THEN coalesce(corrections->'difficulty', extracted->'difficulty'->'value')::int END AS difficulty
			FROM scores WHERE id = $1
		) e, (SELECT string_agg(text, ' ' ORDER BY n) AS text,
				array_agg('page ' || n || ': ' || text_note ORDER BY n) FILTER (WHERE text_note IS NOT NULL) AS notes
			FROM score_pages WHERE score_id = $1) t
		WHERE s.id = $1`, id)
	if err != nil {
		return fmt.Errorf("error refreshing score: %w", err)
	}
	return nil
}

// effective is the SQL text of a field's effective value: the owner's correction, else the
// extracted value, else "".
func effective(field string) string {
	return fmt.Sprintf(`coalesce(corrections->>'%[1]s', extracted->'%[1]s'->>'value', '')`, field)
}

// ScorePage is one page of a score.
type ScorePage struct {
	N      int     `json:"n" db:"n"`
	PDFKey string  `json:"-" db:"pdf_key"`
	PNGKey *string `json:"-" db:"png_key"`
	Text   *string `json:"-" db:"text"`
	// TextSource is where Text came from (PageTextPDF, PageTextOCR); TextConfidence the
	// OCR's confidence, 0 to 1; TextNote why the text could not be read, in words.
	TextSource     *string  `json:"-" db:"text_source"`
	TextConfidence *float64 `json:"-" db:"text_confidence"`
	TextNote       *string  `json:"-" db:"text_note"`
}

// Sources of a page's text.
const (
	PageTextPDF = "pdf"
	PageTextOCR = "ocr"
)

// PageText is what the text step found on a page.
type PageText struct {
	Text       string
	Source     string   // PageTextPDF or PageTextOCR
	Confidence *float64 // OCR only
	Note       string   // why the text could not be read; "" when it was
}

// PutScorePage records page n's PDF. A retried split writes the same row again: each page
// exists once.
func PutScorePage(ctx context.Context, db DB, scoreID uuid.UUID, n int, pdfKey string) error {
	_, err := db.Exec(ctx, `INSERT INTO score_pages (score_id, n, pdf_key) VALUES ($1, $2, $3)
		ON CONFLICT (score_id, n) DO UPDATE SET pdf_key = EXCLUDED.pdf_key`, scoreID, n, pdfKey)
	if err != nil {
		return fmt.Errorf("error storing page: %w", err)
	}
	return nil
}

// SetScorePageImage records page n's image.
func SetScorePageImage(ctx context.Context, db DB, scoreID uuid.UUID, n int, pngKey string) error {
	_, err := db.Exec(ctx, `UPDATE score_pages SET png_key = $3 WHERE score_id = $1 AND n = $2`, scoreID, n, pngKey)
	if err != nil {
		return fmt.Errorf("error storing page image: %w", err)
	}
	return nil
}

// SetScorePageText records page n's text.
func SetScorePageText(ctx context.Context, db DB, scoreID uuid.UUID, n int, t PageText) error {
	var note *string
	if t.Note != "" {
		note = &t.Note
	}
	_, err := db.Exec(ctx, `UPDATE score_pages SET text = $3, text_source = $4, text_confidence = $5, text_note = $6
		WHERE score_id = $1 AND n = $2`, scoreID, n, t.Text, t.Source, t.Confidence, note)
	if err != nil {
		return fmt.Errorf("error storing page text: %w", err)
	}
	return nil
}

// ScorePages returns pages from..to (inclusive) of a score.
func ScorePages(ctx context.Context, db DB, scoreID uuid.UUID, from, to int) ([]ScorePage, error) {
	rows, err := db.Query(ctx, `SELECT n, pdf_key, png_key, text, text_source, text_confidence, text_note FROM score_pages
		WHERE score_id = $1 AND n BETWEEN $2 AND $3 ORDER BY n`, scoreID, from, to)
	if err != nil {
		return nil, fmt.Errorf("error reading pages: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ScorePage])
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// OwnedScoreForUpdate is OwnedScore with the row locked until tx ends.
func OwnedScoreForUpdate(ctx context.Context, tx pgx.Tx, userID, id uuid.UUID) (*Score, error) {
	rows, err := tx.Query(ctx, `SELECT `+scoreColumns+` FROM scores WHERE id = $1 AND owner_id = $2 FOR UPDATE`, id, userID)
	return one[Score](rows, err, "reading score")
}
