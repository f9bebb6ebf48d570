package store

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Piece is one piece worked on in a logbook entry.
type Piece struct {
	Title    string     `json:"title" validate:"required,max=300"`
	Composer string     `json:"composer,omitempty" validate:"max=200"`
	ScoreID  *uuid.UUID `json:"score_id,omitempty"`
	Minutes  *int       `json:"minutes,omitempty" validate:"omitempty,min=0,max=1440"`
	Measures string     `json:"measures,omitempty" validate:"max=100"`
	Tempo    *int       `json:"tempo,omitempty" validate:"omitempty,min=1,max=400"`
}

// LogbookInput is what a client writes for a logbook entry.
type LogbookInput struct {
	PracticedAt     time.Time   `json:"practiced_at" validate:"required"`
	DurationMinutes int         `json:"duration_minutes" validate:"required,min=1,max=1440"`
	Type            string      `json:"type" validate:"required,oneof=practice performance lesson rehearsal technique other"`
	Instrument      string      `json:"instrument,omitempty" validate:"max=100"`
	Pieces          []Piece     `json:"pieces,omitempty" validate:"max=50,dive"`
	Techniques      []string    `json:"techniques,omitempty" validate:"max=50,dive,min=1,max=100"`
	Mood            *string     `json:"mood,omitempty" validate:"omitempty,oneof=frustrated neutral satisfied excited"`
	Notes           string      `json:"notes,omitempty" validate:"max=10000"`
	Tags            []string    `json:"tags,omitempty" validate:"max=30,dive,min=1,max=50"`
	GoalIDs         []uuid.UUID `json:"goal_ids,omitempty" validate:"max=20"`
	// Version, on a replace, is the version the client edited (like If-Match; a stale one is
	// a 409). Ignored on create.
	Version *int `json:"version,omitempty" validate:"omitempty,min=1"`
}

// LogbookEntry is a stored logbook entry.
type LogbookEntry struct {
	ID              uuid.UUID   `json:"id" db:"id"`
	PracticedAt     time.Time   `json:"practiced_at" db:"practiced_at"`
	DurationMinutes int         `json:"duration_minutes" db:"duration_minutes"`
	Type            string      `json:"type" db:"type"`
	Instrument      string      `json:"instrument" db:"instrument"`
	Pieces          []Piece     `json:"pieces" db:"pieces"`
	Techniques      []string    `json:"techniques" db:"techniques"`
	Mood            *string     `json:"mood" db:"mood"`
	Notes           string      `json:"notes" db:"notes"`
	Tags            []string    `json:"tags" db:"tags"`
	GoalIDs         []uuid.UUID `json:"goal_ids" db:"goal_ids"`
	Version         int         `json:"version" db:"version"`
	CreatedAt       time.Time   `json:"created_at" db:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at" db:"updated_at"`
}

const logbookColumns = `id, practiced_at, duration_minutes, type, instrument, pieces, techniques, mood, notes,
	tags, goal_ids, version, created_at, updated_at`

// logbookScanner reads rows of logbookColumns. Lists are the hot path of the API: an
// explicit scan costs a fraction of the reflection of RowToStructByName per row, and the
// destinations are one slice for the whole page rather than one per row.
func logbookScanner() scanFunc[LogbookEntry] {
	dest := make([]any, 14)
	return func(row pgx.CollectableRow, e *LogbookEntry) error {
		dest[0], dest[1], dest[2], dest[3], dest[4], dest[5], dest[6] = &e.ID, &e.PracticedAt, &e.DurationMinutes,
			&e.Type, &e.Instrument, &e.Pieces, &e.Techniques
		dest[7], dest[8], dest[9], dest[10], dest[11], dest[12], dest[13] = &e.Mood, &e.Notes, &e.Tags,
			&e.GoalIDs, &e.Version, &e.CreatedAt, &e.UpdatedAt
		return row.Scan(dest...)
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CreateLogbookEntry stores a new entry for userID. id may be uuid.Nil (a new one is made).
func CreateLogbookEntry(ctx context.Context, db DB, userID, id uuid.UUID, in *LogbookInput) (*LogbookEntry, error) {
	if id == uuid.Nil {
		id = uuid.New()
	}
	rows, err := db.Query(ctx, `
		INSERT INTO logbook_entries (id, user_id, practiced_at, duration_minutes, type, instrument, pieces,
			techniques, mood, notes, tags, goal_ids)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING `+logbookColumns,
		id, userID, in.PracticedAt, in.DurationMinutes, in.Type, in.Instrument, nonNil(in.Pieces),
		nonNil(in.Techniques), in.Mood, in.Notes, nonNil(in.Tags), nonNil(in.GoalIDs))
	return one[LogbookEntry](rows, err, "creating logbook entry")
}

// GetLogbookEntry returns userID's entry id.
func GetLogbookEntry(ctx context.Context, db DB, userID, id uuid.UUID) (*LogbookEntry, error) {
	rows, err := db.Query(ctx, `SELECT `+logbookColumns+` FROM logbook_entries WHERE id = $1 AND user_id = $2`, id, userID)
	return one[LogbookEntry](rows, err, "reading logbook entry")
}

// UpdateLogbookEntry replaces the entry's fields. With ifVersion, only when the stored
// version still matches (else ErrVersionConflict).
func UpdateLogbookEntry(ctx context.Context, db DB, userID, id uuid.UUID, in *LogbookInput, ifVersion *int) (*LogbookEntry, error) {
	rows, err := db.Query(ctx, `
		UPDATE logbook_entries SET practiced_at = $3, duration_minutes = $4, type = $5, instrument = $6,
			pieces = $7, techniques = $8, mood = $9, notes = $10, tags = $11, goal_ids = $12,
			version = version + 1, updated_at = now()
		WHERE id = $1 AND user_id = $2 AND ($13::int IS NULL OR version = $13)
		RETURNING `+logbookColumns,
		id, userID, in.PracticedAt, in.DurationMinutes, in.Type, in.Instrument, nonNil(in.Pieces),
		nonNil(in.Techniques), in.Mood, in.Notes, nonNil(in.Tags), nonNil(in.GoalIDs), ifVersion)
	e, err := one[LogbookEntry](rows, err, "updating logbook entry")
	if err == ErrNotFound { //nolint:errorlint // one returns the sentinel itself
		return nil, versionCheck(ctx, db, "logbook_entries", id, userID)
	}
	return e, err
}

// DeleteLogbookEntry deletes the entry (with ifVersion, only that version).
func DeleteLogbookEntry(ctx context.Context, db DB, userID, id uuid.UUID, ifVersion *int) error {
	return deleteOwned(ctx, db, "logbook_entries", userID, id, ifVersion)
}

// LogbookFilter selects and orders a user's entries.
type LogbookFilter struct {
	From, To   *time.Time
	Instrument string
	Type       string
	Piece      string // matches a piece title or composer, case-insensitively
	Tag        string
	Sort       string // one of LogbookSorts; "" is -practiced_at
	Limit      int
	Cursor     string
}

var logbookSorts = map[string]sortSpec{
	"-practiced_at":     {column: "practiced_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*LogbookEntry).PracticedAt.Format(time.RFC3339Nano) }},
	"practiced_at":      {column: "practiced_at", cast: "timestamptz", value: func(r any) string { return r.(*LogbookEntry).PracticedAt.Format(time.RFC3339Nano) }},
	"-duration_minutes": {column: "duration_minutes", cast: "int", desc: true, value: func(r any) string { return strconv.Itoa(r.(*LogbookEntry).DurationMinutes) }},
	"duration_minutes":  {column: "duration_minutes", cast: "int", value: func(r any) string { return strconv.Itoa(r.(*LogbookEntry).DurationMinutes) }},
	"-created_at":       {column: "created_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*LogbookEntry).CreatedAt.Format(time.RFC3339Nano) }},
	"created_at":        {column: "created_at", cast: "timestamptz", value: func(r any) string { return r.(*LogbookEntry).CreatedAt.Format(time.RFC3339Nano) }},
}

// LogbookSorts lists the accepted sort values.
func LogbookSorts() []string { return sortNames(logbookSorts) }

// ListLogbookEntries returns one page of userID's entries.
func ListLogbookEntries(ctx context.Context, db DB, userID uuid.UUID, f LogbookFilter) (*Page[LogbookEntry], error) {
	q := &listQuery{}
	q.add("user_id = ?", userID)
	if f.From != nil {
		q.add("practiced_at >= ?", *f.From)
	}
	if f.To != nil {
		q.add("practiced_at < ?", *f.To)
	}
	if f.Instrument != "" {
		q.add("lower(instrument) = lower(?)", f.Instrument)
	}
	if f.Type != "" {
		q.add("type = ?", f.Type)
	}
	if f.Tag != "" {
		q.add("tags @> ARRAY[?]::text[]", f.Tag)
	}
	if f.Piece != "" {
		q.add(`EXISTS (SELECT 1 FROM jsonb_array_elements(pieces) p
			WHERE p->>'title' ILIKE '%' || ? || '%' OR p->>'composer' ILIKE '%' || ? || '%')`, likeEscape(f.Piece), likeEscape(f.Piece))
	}
	if f.Sort == "" {
		f.Sort = "-practiced_at"
	}
	return page(ctx, db, `SELECT `+logbookColumns+` FROM logbook_entries`, q, logbookSorts, f.Sort, f.Cursor, f.Limit,
		logbookScanner(), func(e *LogbookEntry) uuid.UUID { return e.ID })
}
