package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// GoalInput is what a client writes for a goal.
type GoalInput struct {
	Title        string  `json:"title" validate:"required,max=300"`
	Description  string  `json:"description,omitempty" validate:"max=5000"`
	Type         string  `json:"type" validate:"required,oneof=practice_time repertoire tempo custom"`
	TargetValue  float64 `json:"target_value" validate:"gt=0,lte=1000000"`
	CurrentValue float64 `json:"current_value,omitempty" validate:"gte=0,lte=1000000"`
	Unit         string  `json:"unit,omitempty" validate:"max=30"`
	DueDate      *Date   `json:"due_date,omitempty"`
	Status       string  `json:"status,omitempty" validate:"omitempty,oneof=active completed abandoned"`
	// Version, on a replace, is the version the client edited (like If-Match; a stale one is
	// a 409). Ignored on create.
	Version *int `json:"version,omitempty" validate:"omitempty,min=1"`
}

// Goal is a stored goal.
type Goal struct {
	ID           uuid.UUID      `json:"id" db:"id"`
	Title        string         `json:"title" db:"title"`
	Description  string         `json:"description" db:"description"`
	Type         string         `json:"type" db:"type"`
	TargetValue  float64        `json:"target_value" db:"target_value"`
	CurrentValue float64        `json:"current_value" db:"current_value"`
	Unit         string         `json:"unit" db:"unit"`
	DueDate      *Date          `json:"due_date" db:"due_date"`
	Status       string         `json:"status" db:"status"`
	Version      int            `json:"version" db:"version"`
	CreatedAt    time.Time      `json:"created_at" db:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at" db:"updated_at"`
	Progress     []GoalProgress `json:"progress,omitempty" db:"-"`
}

// GoalProgress is one recorded step towards a goal.
type GoalProgress struct {
	ID         uuid.UUID `json:"id" db:"id"`
	Value      float64   `json:"value" db:"value"`
	Note       string    `json:"note" db:"note"`
	RecordedAt time.Time `json:"recorded_at" db:"recorded_at"`
}

// ProgressInput is a step towards a goal: Value is added to the goal's current value.
type ProgressInput struct {
	Value      float64    `json:"value" validate:"gte=-1000000,lte=1000000"`
	Note       string     `json:"note,omitempty" validate:"max=2000"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`
}

const goalColumns = `id, title, description, type, target_value, current_value, unit, due_date, status,
	version, created_at, updated_at`

func goalStatus(s string) string {
	if s == "" {
		return "active"
	}
	return s
}

// CreateGoal stores a new goal. id may be uuid.Nil.
func CreateGoal(ctx context.Context, db DB, userID, id uuid.UUID, in *GoalInput) (*Goal, error) {
	if id == uuid.Nil {
		id = uuid.New()
	}
	rows, err := db.Query(ctx, `
		INSERT INTO goals (id, user_id, title, description, type, target_value, current_value, unit, due_date, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING `+goalColumns,
		id, userID, in.Title, in.Description, in.Type, in.TargetValue, in.CurrentValue, in.Unit, in.DueDate, goalStatus(in.Status))
	return one[Goal](rows, err, "creating goal")
}

// GetGoal returns userID's goal id with its progress entries.
func GetGoal(ctx context.Context, db DB, userID, id uuid.UUID) (*Goal, error) {
	rows, err := db.Query(ctx, `SELECT `+goalColumns+` FROM goals WHERE id = $1 AND user_id = $2`, id, userID)
	g, err := one[Goal](rows, err, "reading goal")
	if err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT id, value, note, recorded_at FROM goal_progress WHERE goal_id = $1 ORDER BY recorded_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("error reading goal progress: %w", err)
	}
	if g.Progress, err = pgx.CollectRows(rows, pgx.RowToStructByName[GoalProgress]); err != nil {
		return nil, fmt.Errorf("error reading goal progress: %w", err)
	}
	return g, nil
}

// UpdateGoal replaces the goal's fields.
func UpdateGoal(ctx context.Context, db DB, userID, id uuid.UUID, in *GoalInput, ifVersion *int) (*Goal, error) {
	rows, err := db.Query(ctx, `
		UPDATE goals SET title = $3, description = $4, type = $5, target_value = $6, current_value = $7,
			unit = $8, due_date = $9, status = $10, version = version + 1, updated_at = now()
		WHERE id = $1 AND user_id = $2 AND ($11::int IS NULL OR version = $11)
		RETURNING `+goalColumns,
		id, userID, in.Title, in.Description, in.Type, in.TargetValue, in.CurrentValue, in.Unit, in.DueDate,
		goalStatus(in.Status), ifVersion)
	g, err := one[Goal](rows, err, "updating goal")
	if err == ErrNotFound { //nolint:errorlint // one returns the sentinel itself
		return nil, versionCheck(ctx, db, "goals", id, userID)
	}
	return g, err
}

// DeleteGoal deletes the goal and its progress, and unlinks it from logbook entries.
func DeleteGoal(ctx context.Context, db DB, userID, id uuid.UUID, ifVersion *int) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := deleteOwned(ctx, tx, "goals", userID, id, ifVersion); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE logbook_entries SET goal_ids = array_remove(goal_ids, $2),
			version = version + 1, updated_at = now() WHERE user_id = $1 AND $2 = ANY(goal_ids)`, userID, id)
		return err
	})
}

// AddGoalProgress records progress and adds it to the goal's current value; an active goal
// that reaches its target becomes completed. One statement, so concurrent additions all count.
func AddGoalProgress(ctx context.Context, db DB, userID, goalID uuid.UUID, in *ProgressInput, now time.Time) (*Goal, error) {
	at := now
	if in.RecordedAt != nil {
		at = *in.RecordedAt
	}
	rows, err := db.Query(ctx, `
		WITH upd AS (
			UPDATE goals SET current_value = current_value + $3,
				status = CASE WHEN status = 'active' AND current_value + $3 >= target_value THEN 'completed' ELSE status END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND user_id = $2
			RETURNING *
		), prog AS (
			INSERT INTO goal_progress (goal_id, value, note, recorded_at) SELECT id, $3, $4, $5 FROM upd
		)
		SELECT `+goalColumns+` FROM upd`, goalID, userID, in.Value, in.Note, at)
	if _, err := one[Goal](rows, err, "adding goal progress"); err != nil {
		return nil, err
	}
	return GetGoal(ctx, db, userID, goalID)
}

// GoalFilter selects and orders a user's goals.
type GoalFilter struct {
	Status string
	Type   string
	Sort   string // "" is -updated_at
	Limit  int
	Cursor string
}

var goalSorts = map[string]sortSpec{
	"-updated_at": {column: "updated_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*Goal).UpdatedAt.Format(time.RFC3339Nano) }},
	"updated_at":  {column: "updated_at", cast: "timestamptz", value: func(r any) string { return r.(*Goal).UpdatedAt.Format(time.RFC3339Nano) }},
	"-created_at": {column: "created_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*Goal).CreatedAt.Format(time.RFC3339Nano) }},
	"created_at":  {column: "created_at", cast: "timestamptz", value: func(r any) string { return r.(*Goal).CreatedAt.Format(time.RFC3339Nano) }},
}

// GoalSorts lists the accepted sort values.
func GoalSorts() []string { return sortNames(goalSorts) }

// ListGoals returns one page of userID's goals.
func ListGoals(ctx context.Context, db DB, userID uuid.UUID, f GoalFilter) (*Page[Goal], error) {
	q := &listQuery{}
	q.add("user_id = ?", userID)
	if f.Status != "" {
		q.add("status = ?", f.Status)
	}
	if f.Type != "" {
		q.add("type = ?", f.Type)
	}
	if f.Sort == "" {
		f.Sort = "-updated_at"
	}
	return page(ctx, db, `SELECT `+goalColumns+` FROM goals`, q, goalSorts, f.Sort, f.Cursor, f.Limit,
		byName[Goal], func(e *Goal) uuid.UUID { return e.ID })
}

// CountOwnedGoals returns how many of ids are userID's goals (to check links from entries).
func CountOwnedGoals(ctx context.Context, db DB, userID uuid.UUID, ids []uuid.UUID) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM goals WHERE user_id = $1 AND id = ANY($2)`, userID, ids).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("error checking goals: %w", err)
	}
	return n, nil
}
