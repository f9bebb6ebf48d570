package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EntryVersion is one version of a dictionary entry, as it was written.
type EntryVersion struct {
	Version       int        `json:"version" db:"version"`
	Term          string     `json:"term" db:"term"`
	Type          string     `json:"type" db:"type"`
	SourceLang    *string    `json:"source_lang" db:"source_lang"`
	Definition    Definition `json:"definition" db:"definition"`
	Origin        string     `json:"origin" db:"origin"`
	QualityScore  *float64   `json:"quality_score" db:"quality_score"`
	QualityIssues []string   `json:"quality_issues" db:"quality_issues"`
	Status        string     `json:"status" db:"status"`
	CreatedAt     time.Time  `json:"created_at" db:"created_at"`
}

// EntryVersions returns an entry's versions, newest first.
func EntryVersions(ctx context.Context, db DB, entryID uuid.UUID) ([]EntryVersion, error) {
	rows, err := db.Query(ctx, `SELECT version, term, type, source_lang, definition, origin, quality_score,
			quality_issues, status, created_at
		FROM dictionary_entry_versions WHERE entry_id = $1 ORDER BY version DESC`, entryID)
	if err != nil {
		return nil, fmt.Errorf("error reading an entry's versions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[EntryVersion])
}

// FeedbackSummary counts readers' answers to "was this helpful?".
type FeedbackSummary struct {
	Helpful    int `json:"helpful"`
	NotHelpful int `json:"not_helpful"`
}

// Feedback is a reader's answer about an entry.
type Feedback struct {
	Helpful *bool  `json:"helpful" validate:"required"`
	Comment string `json:"comment" validate:"max=2000"`
}

// PutFeedback records the user's feedback on an entry, replacing their earlier one, and
// returns the entry's counts. ErrNotFound: no such entry.
func PutFeedback(ctx context.Context, db DB, userID, entryID uuid.UUID, f Feedback) (FeedbackSummary, error) {
	var sum FeedbackSummary
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO dictionary_feedback (entry_id, user_id, helpful, comment) VALUES ($1, $2, $3, $4)
			ON CONFLICT (entry_id, user_id) DO UPDATE SET helpful = EXCLUDED.helpful, comment = EXCLUDED.comment, updated_at = now()`,
			entryID, userID, *f.Helpful, f.Comment)
		if isForeignKeyViolation(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		sum, err = FeedbackOf(ctx, tx, entryID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return sum, fmt.Errorf("error recording feedback: %w", err)
	}
	return sum, err
}

// FeedbackOf counts an entry's feedback.
func FeedbackOf(ctx context.Context, db DB, entryID uuid.UUID) (FeedbackSummary, error) {
	var sum FeedbackSummary
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE helpful), count(*) FILTER (WHERE NOT helpful)
		FROM dictionary_feedback WHERE entry_id = $1`, entryID).Scan(&sum.Helpful, &sum.NotHelpful)
	if err != nil {
		return sum, fmt.Errorf("error counting feedback: %w", err)
	}
	return sum, nil
}

// ReviewAfterReports is how many readers' open reports of an entry's current version send it
// back to review.
const ReviewAfterReports = 3

// Report is a reader's report of an entry.
type Report struct {
	ID           uuid.UUID `json:"id" db:"id"`
	EntryID      uuid.UUID `json:"entry_id" db:"entry_id"`
	EntryVersion int       `json:"entry_version" db:"entry_version"`
	Reason       string    `json:"reason" db:"reason"`
	Comment      string    `json:"comment" db:"comment"`
	Status       string    `json:"status" db:"status"`
	CreatedAt    time.Time `json:"created_at" db:"created_at"`
}

// ReportEntry records the user's report of an entry's current version (a second report of
// the same version by the same user returns the first, and created is false). When
// ReviewAfterReports readers have reported the version, the entry goes back to review.
func ReportEntry(ctx context.Context, db DB, userID, entryID uuid.UUID, reason, comment string) (r *Report, created bool, err error) {
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// The entry's row is locked first: concurrent reports then count each other, and
		// the version cannot change under them.
		var version int
		err := tx.QueryRow(ctx, `SELECT version FROM dictionary_entries WHERE id = $1 FOR UPDATE`, entryID).Scan(&version)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			INSERT INTO dictionary_reports (entry_id, entry_version, user_id, reason, comment)
			SELECT id, version, $2, $3, $4 FROM dictionary_entries WHERE id = $1
			ON CONFLICT (entry_id, user_id, entry_version) DO NOTHING
			RETURNING id, entry_id, entry_version, reason, comment, status, created_at`, entryID, userID, reason, comment)
		r, err = one[Report](rows, err, "recording a report")
		if errors.Is(err, ErrNotFound) {
			// Already reported, or no such entry.
			rows, err := tx.Query(ctx, `SELECT r.id, r.entry_id, r.entry_version, r.reason, r.comment, r.status, r.created_at
				FROM dictionary_reports r JOIN dictionary_entries e ON e.id = r.entry_id AND e.version = r.entry_version
				WHERE r.entry_id = $1 AND r.user_id = $2`, entryID, userID)
			r, err = one[Report](rows, err, "reading a report")
			return err
		}
		if err != nil {
			return err
		}
		created = true
		_, err = tx.Exec(ctx, `UPDATE dictionary_entries e SET status = 'review',
				quality_issues = e.quality_issues || to_jsonb('reported by readers: ' || (
					SELECT string_agg(DISTINCT reason, ', ') FROM dictionary_reports
					WHERE entry_id = e.id AND entry_version = e.version AND status = 'open'))
			WHERE e.id = $1 AND e.status = 'published'
				AND (SELECT count(*) FROM dictionary_reports r WHERE r.entry_id = e.id AND r.entry_version = e.version
					AND r.status = 'open') >= $2`, entryID, ReviewAfterReports)
		return err
	})
	return r, created, err
}

// Usage is one counted event.
type Usage struct {
	EntryID uuid.UUID `json:"entry_id" validate:"required"`
	Event   string    `json:"event" validate:"required,oneof=view share copy audio"`
}

// CountUsage adds events to today's counts (UTC). ErrNotFound: an entry is not there; then
// nothing is counted.
func CountUsage(ctx context.Context, db DB, events []Usage) error {
	if len(events) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(events))
	kinds := make([]string, len(events))
	for i, e := range events {
		ids[i], kinds[i] = e.EntryID, e.Event
	}
	// Counted in one statement, in a stable order, so concurrent counts do not deadlock.
	_, err := db.Exec(ctx, `
		INSERT INTO dictionary_usage (entry_id, day, event, count)
		SELECT entry_id, (now() AT TIME ZONE 'UTC')::date, event, count(*)
		FROM unnest($1::uuid[], $2::text[]) AS u(entry_id, event)
		GROUP BY entry_id, event ORDER BY entry_id, event
		ON CONFLICT (entry_id, day, event) DO UPDATE SET count = dictionary_usage.count + EXCLUDED.count`, ids, kinds)
	if isForeignKeyViolation(err) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("error counting usage: %w", err)
	}
	return nil
}

// PopularTerm is an entry with how often it was used.
type PopularTerm struct {
	EntryID uuid.UUID `json:"entry_id"`
	Term    string    `json:"term"`
	Lang    string    `json:"lang"`
	Type    string    `json:"type"`
	Uses    int64     `json:"uses"`
}

// PopularTerms returns the entries used most over the last days days (today included), in
// lang when not empty.
func PopularTerms(ctx context.Context, db DB, lang string, days, limit int) ([]PopularTerm, error) {
	rows, err := db.Query(ctx, `
		SELECT e.id, e.term, e.lang, e.type, u.uses
		FROM (SELECT entry_id, sum(count)::bigint AS uses FROM dictionary_usage
			WHERE day > (now() AT TIME ZONE 'UTC')::date - $2::int GROUP BY entry_id) u
		JOIN dictionary_entries e ON e.id = u.entry_id
		WHERE $1 = '' OR e.lang = $1
		ORDER BY u.uses DESC, e.term LIMIT $3`, lang, days, limit)
	if err != nil {
		return nil, fmt.Errorf("error reading popular terms: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PopularTerm])
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}
