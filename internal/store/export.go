package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ExportFormat names the export document; ExportVersion is its version.
const (
	ExportFormat  = "mirubato-export"
	ExportVersion = 1
)

// Export is a whole account as one document. POST /api/import takes the same document.
type Export struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
	// SyncCursor is the change log's cursor this document is the state at (when read in one
	// snapshot, see ExportAccount): a device that reads its account from the export syncs on
	// from there. Import ignores it.
	SyncCursor  int64            `json:"sync_cursor"`
	User        *User            `json:"user,omitempty"`
	Preferences map[string]any   `json:"preferences,omitempty"`
	Logbook     []LogbookEntry   `json:"logbook"`
	Repertoire  []RepertoireItem `json:"repertoire"`
	Goals       []Goal           `json:"goals"`
}

// ImportResult counts what an import wrote. Rows whose id belongs to another account are
// skipped, never overwritten.
type ImportResult struct {
	Logbook    int `json:"logbook"`
	Repertoire int `json:"repertoire"`
	Goals      int `json:"goals"`
	Skipped    int `json:"skipped"`
}

// ExportAccount reads everything userID owns, with the change log's cursor. Run it in a
// REPEATABLE READ transaction for a document that is exactly the state at that cursor.
func ExportAccount(ctx context.Context, db DB, userID uuid.UUID, now time.Time) (*Export, error) {
	cursor, err := ChangeCursor(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	u, err := GetUser(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	prefs, err := Preferences(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	ex := &Export{Format: ExportFormat, Version: ExportVersion, ExportedAt: now.UTC(), SyncCursor: cursor, User: u, Preferences: prefs}
	if ex.Logbook, err = AllLogbookEntries(ctx, db, userID); err != nil {
		return nil, err
	}
	if ex.Repertoire, err = all[RepertoireItem](ctx, db,
		`SELECT `+repertoireColumns+` FROM repertoire_items WHERE user_id = $1 ORDER BY created_at, id`, userID); err != nil {
		return nil, err
	}
	for i := range ex.Repertoire {
		full, err := GetRepertoireItem(ctx, db, userID, ex.Repertoire[i].ID)
		if err != nil {
			return nil, err
		}
		ex.Repertoire[i].StatusHistory = full.StatusHistory
	}
	if ex.Goals, err = all[Goal](ctx, db, `SELECT `+goalColumns+` FROM goals WHERE user_id = $1 ORDER BY created_at, id`, userID); err != nil {
		return nil, err
	}
	for i := range ex.Goals {
		full, err := GetGoal(ctx, db, userID, ex.Goals[i].ID)
		if err != nil {
			return nil, err
		}
		ex.Goals[i].Progress = full.Progress
	}
	return ex, nil
}

// AllLogbookEntries returns every entry of userID, oldest first.
func AllLogbookEntries(ctx context.Context, db DB, userID uuid.UUID) ([]LogbookEntry, error) {
	return all[LogbookEntry](ctx, db, `SELECT `+logbookColumns+` FROM logbook_entries WHERE user_id = $1 ORDER BY practiced_at, id`, userID)
}

func all[T any](ctx context.Context, db DB, sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("error exporting: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[T])
	if err != nil {
		return nil, fmt.Errorf("error exporting: %w", err)
	}
	return nonNil(out), nil
}

// ImportLogbookEntry writes the entry with its id for userID: inserted, or replacing the
// user's own row with that id. It reports false when the id belongs to someone else.
func ImportLogbookEntry(ctx context.Context, db DB, userID, id uuid.UUID, in *LogbookInput) (bool, error) {
	return upserted(db.Exec(ctx, `
		INSERT INTO logbook_entries (id, user_id, practiced_at, duration_minutes, type, instrument, pieces,
			techniques, mood, notes, tags, goal_ids)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET practiced_at = excluded.practiced_at,
			duration_minutes = excluded.duration_minutes, type = excluded.type, instrument = excluded.instrument,
			pieces = excluded.pieces, techniques = excluded.techniques, mood = excluded.mood, notes = excluded.notes,
			tags = excluded.tags, goal_ids = excluded.goal_ids, updated_at = now(),
			version = logbook_entries.version + (CASE WHEN (logbook_entries.practiced_at, logbook_entries.duration_minutes,
				logbook_entries.type, logbook_entries.instrument, logbook_entries.pieces, logbook_entries.techniques,
				logbook_entries.mood, logbook_entries.notes, logbook_entries.tags, logbook_entries.goal_ids)
				IS DISTINCT FROM (excluded.practiced_at, excluded.duration_minutes, excluded.type, excluded.instrument,
				excluded.pieces, excluded.techniques, excluded.mood, excluded.notes, excluded.tags, excluded.goal_ids)
				THEN 1 ELSE 0 END)
		WHERE logbook_entries.user_id = excluded.user_id`,
		id, userID, in.PracticedAt, in.DurationMinutes, in.Type, in.Instrument, nonNil(in.Pieces),
		nonNil(in.Techniques), in.Mood, in.Notes, nonNil(in.Tags), nonNil(in.GoalIDs)))
}

// ImportRepertoireItem is ImportLogbookEntry for repertoire items.
func ImportRepertoireItem(ctx context.Context, db DB, userID, id uuid.UUID, in *RepertoireInput) (bool, error) {
	return upserted(db.Exec(ctx, `
		INSERT INTO repertoire_items (id, user_id, title, composer, score_id, status, difficulty,
			target_tempo, current_tempo, notes, links)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, composer = excluded.composer,
			score_id = excluded.score_id, status = excluded.status, difficulty = excluded.difficulty,
			target_tempo = excluded.target_tempo, current_tempo = excluded.current_tempo, notes = excluded.notes,
			links = excluded.links, updated_at = now(),
			version = repertoire_items.version + (CASE WHEN (repertoire_items.title, repertoire_items.composer,
				repertoire_items.score_id, repertoire_items.status, repertoire_items.difficulty, repertoire_items.target_tempo,
				repertoire_items.current_tempo, repertoire_items.notes, repertoire_items.links)
				IS DISTINCT FROM (excluded.title, excluded.composer, excluded.score_id, excluded.status, excluded.difficulty,
				excluded.target_tempo, excluded.current_tempo, excluded.notes, excluded.links) THEN 1 ELSE 0 END)
		WHERE repertoire_items.user_id = excluded.user_id`,
		id, userID, in.Title, in.Composer, in.ScoreID, in.Status, in.Difficulty, in.TargetTempo,
		in.CurrentTempo, in.Notes, nonNil(in.Links)))
}

// ImportGoal is ImportLogbookEntry for goals; progress entries are added once (by id).
func ImportGoal(ctx context.Context, db DB, userID, id uuid.UUID, in *GoalInput, progress []GoalProgress) (bool, error) {
	ok, err := upserted(db.Exec(ctx, `
		INSERT INTO goals (id, user_id, title, description, type, target_value, current_value, unit, due_date, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
			type = excluded.type, target_value = excluded.target_value, current_value = excluded.current_value,
			unit = excluded.unit, due_date = excluded.due_date, status = excluded.status, updated_at = now(),
			version = goals.version + (CASE WHEN (goals.title, goals.description, goals.type, goals.target_value,
				goals.current_value, goals.unit, goals.due_date, goals.status)
				IS DISTINCT FROM (excluded.title, excluded.description, excluded.type, excluded.target_value,
				excluded.current_value, excluded.unit, excluded.due_date, excluded.status) THEN 1 ELSE 0 END)
		WHERE goals.user_id = excluded.user_id`,
		id, userID, in.Title, in.Description, in.Type, in.TargetValue, in.CurrentValue, in.Unit, in.DueDate, goalStatus(in.Status)))
	if err != nil || !ok {
		return ok, err
	}
	for _, p := range progress {
		if _, err := db.Exec(ctx, `INSERT INTO goal_progress (id, goal_id, value, note, recorded_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, p.ID, id, p.Value, p.Note, p.RecordedAt); err != nil {
			return false, fmt.Errorf("error importing goal progress: %w", err)
		}
	}
	return true, nil
}

// upserted reports whether an upsert wrote its row (its WHERE skips other users' rows).
func upserted(tag pgconn.CommandTag, err error) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("error importing: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
