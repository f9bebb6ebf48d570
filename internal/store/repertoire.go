package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// RepertoireInput is what a client writes for a repertoire item.
type RepertoireInput struct {
	Title        string     `json:"title" validate:"required,max=300"`
	Composer     string     `json:"composer,omitempty" validate:"max=200"`
	ScoreID      *uuid.UUID `json:"score_id,omitempty"`
	Status       string     `json:"status" validate:"required,oneof=planned learning polished performance_ready dropped"`
	Difficulty   *int       `json:"difficulty,omitempty" validate:"omitempty,min=1,max=10"`
	TargetTempo  *int       `json:"target_tempo,omitempty" validate:"omitempty,min=1,max=400"`
	CurrentTempo *int       `json:"current_tempo,omitempty" validate:"omitempty,min=1,max=400"`
	Notes        string     `json:"notes,omitempty" validate:"max=10000"`
	Links        []string   `json:"links,omitempty" validate:"max=20,dive,url,max=2000"`
	// Version, on a replace, is the version the client edited (like If-Match; a stale one is
	// a 409). Ignored on create.
	Version *int `json:"version,omitempty" validate:"omitempty,min=1"`
}

// RepertoireItem is a stored piece in a user's repertoire.
type RepertoireItem struct {
	ID            uuid.UUID      `json:"id" db:"id"`
	Title         string         `json:"title" db:"title"`
	Composer      string         `json:"composer" db:"composer"`
	ScoreID       *uuid.UUID     `json:"score_id" db:"score_id"`
	Status        string         `json:"status" db:"status"`
	Difficulty    *int           `json:"difficulty" db:"difficulty"`
	TargetTempo   *int           `json:"target_tempo" db:"target_tempo"`
	CurrentTempo  *int           `json:"current_tempo" db:"current_tempo"`
	Notes         string         `json:"notes" db:"notes"`
	Links         []string       `json:"links" db:"links"`
	Version       int            `json:"version" db:"version"`
	CreatedAt     time.Time      `json:"created_at" db:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at" db:"updated_at"`
	StatusHistory []StatusChange `json:"status_history,omitempty" db:"-"`
}

// StatusChange is one change of a repertoire item's status.
type StatusChange struct {
	From      *string   `json:"from" db:"from_status"`
	To        string    `json:"to" db:"to_status"`
	ChangedAt time.Time `json:"changed_at" db:"changed_at"`
}

const repertoireColumns = `id, title, composer, score_id, status, difficulty, target_tempo, current_tempo,
	notes, links, version, created_at, updated_at`

// CreateRepertoireItem stores a new item and its first status. id may be uuid.Nil.
func CreateRepertoireItem(ctx context.Context, db DB, userID, id uuid.UUID, in *RepertoireInput) (*RepertoireItem, error) {
	if id == uuid.Nil {
		id = uuid.New()
	}
	rows, err := db.Query(ctx, `
		WITH ins AS (
			INSERT INTO repertoire_items (id, user_id, title, composer, score_id, status, difficulty,
				target_tempo, current_tempo, notes, links)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING *
		), hist AS (
			INSERT INTO repertoire_status_history (item_id, from_status, to_status) SELECT id, NULL, status FROM ins
		)
		SELECT `+repertoireColumns+` FROM ins`,
		id, userID, in.Title, in.Composer, in.ScoreID, in.Status, in.Difficulty, in.TargetTempo,
		in.CurrentTempo, in.Notes, nonNil(in.Links))
	return one[RepertoireItem](rows, err, "creating repertoire item")
}

// GetRepertoireItem returns userID's item id with its status history.
func GetRepertoireItem(ctx context.Context, db DB, userID, id uuid.UUID) (*RepertoireItem, error) {
	rows, err := db.Query(ctx, `SELECT `+repertoireColumns+` FROM repertoire_items WHERE id = $1 AND user_id = $2`, id, userID)
	item, err := one[RepertoireItem](rows, err, "reading repertoire item")
	if err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT from_status, to_status, changed_at FROM repertoire_status_history
		WHERE item_id = $1 ORDER BY changed_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("error reading status history: %w", err)
	}
	if item.StatusHistory, err = pgx.CollectRows(rows, pgx.RowToStructByName[StatusChange]); err != nil {
		return nil, fmt.Errorf("error reading status history: %w", err)
	}
	return item, nil
}

// UpdateRepertoireItem replaces the item's fields, recording a status change in its history.
func UpdateRepertoireItem(ctx context.Context, db DB, userID, id uuid.UUID, in *RepertoireInput, ifVersion *int) (*RepertoireItem, error) {
	var item *RepertoireItem
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// The status before this change, read under the row lock so that concurrent
		// updates each record the status they really changed from.
		var old string
		err := tx.QueryRow(ctx, `SELECT status FROM repertoire_items WHERE id = $1 AND user_id = $2 FOR UPDATE`, id, userID).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("error updating repertoire item: %w", err)
		}
		rows, err := tx.Query(ctx, `
			UPDATE repertoire_items SET title = $3, composer = $4, score_id = $5, status = $6, difficulty = $7,
				target_tempo = $8, current_tempo = $9, notes = $10, links = $11,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND user_id = $2 AND ($12::int IS NULL OR version = $12)
			RETURNING `+repertoireColumns,
			id, userID, in.Title, in.Composer, in.ScoreID, in.Status, in.Difficulty, in.TargetTempo,
			in.CurrentTempo, in.Notes, nonNil(in.Links), ifVersion)
		if item, err = one[RepertoireItem](rows, err, "updating repertoire item"); err != nil {
			if err == ErrNotFound { //nolint:errorlint // one returns the sentinel itself
				return ErrVersionConflict // the row exists (it is locked): the version did not match
			}
			return err
		}
		if old != item.Status {
			if _, err := tx.Exec(ctx, `INSERT INTO repertoire_status_history (item_id, from_status, to_status) VALUES ($1, $2, $3)`,
				id, old, item.Status); err != nil {
				return fmt.Errorf("error recording status change: %w", err)
			}
		}
		return nil
	})
	return item, err
}

// DeleteRepertoireItem deletes the item and its history.
func DeleteRepertoireItem(ctx context.Context, db DB, userID, id uuid.UUID, ifVersion *int) error {
	return deleteOwned(ctx, db, "repertoire_items", userID, id, ifVersion)
}

// RepertoireFilter selects and orders a user's repertoire.
type RepertoireFilter struct {
	Status   string
	Composer string
	Sort     string // "" is -updated_at
	Limit    int
	Cursor   string
}

var repertoireSorts = map[string]sortSpec{
	"-updated_at": {column: "updated_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*RepertoireItem).UpdatedAt.Format(time.RFC3339Nano) }},
	"updated_at":  {column: "updated_at", cast: "timestamptz", value: func(r any) string { return r.(*RepertoireItem).UpdatedAt.Format(time.RFC3339Nano) }},
	"title":       {column: "title", cast: "text", value: func(r any) string { return r.(*RepertoireItem).Title }},
	"-title":      {column: "title", cast: "text", desc: true, value: func(r any) string { return r.(*RepertoireItem).Title }},
}

// RepertoireSorts lists the accepted sort values.
func RepertoireSorts() []string { return sortNames(repertoireSorts) }

// ListRepertoireItems returns one page of userID's repertoire.
func ListRepertoireItems(ctx context.Context, db DB, userID uuid.UUID, f RepertoireFilter) (*Page[RepertoireItem], error) {
	q := &listQuery{}
	q.add("user_id = ?", userID)
	if f.Status != "" {
		q.add("status = ?", f.Status)
	}
	if f.Composer != "" {
		q.add(`composer ILIKE '%' || ? || '%'`, likeEscape(f.Composer))
	}
	if f.Sort == "" {
		f.Sort = "-updated_at"
	}
	return page(ctx, db, `SELECT `+repertoireColumns+` FROM repertoire_items`, q, repertoireSorts, f.Sort, f.Cursor, f.Limit,
		byName[RepertoireItem], func(e *RepertoireItem) uuid.UUID { return e.ID })
}

// deleteOwned deletes userID's row id of table, honouring ifVersion.
func deleteOwned(ctx context.Context, db DB, table string, userID, id uuid.UUID, ifVersion *int) error {
	tag, err := db.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1 AND user_id = $2 AND ($3::int IS NULL OR version = $3)`,
		id, userID, ifVersion)
	if err != nil {
		return fmt.Errorf("error deleting: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return versionCheck(ctx, db, table, id, userID)
	}
	return nil
}
