package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Run states.
const (
	RunRunning   = "running"
	RunDone      = "done"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// Run is one run of a multi-step pipeline (see pipelines/runs).
type Run struct {
	ID          uuid.UUID          `json:"id" db:"id"`
	Kind        string             `json:"kind" db:"kind"`
	Subject     string             `json:"subject" db:"subject"`
	OwnerID     *uuid.UUID         `json:"owner_id,omitempty" db:"owner_id"`
	State       string             `json:"state" db:"state"`
	Step        string             `json:"step" db:"step"`
	Outstanding int                `json:"outstanding" db:"outstanding"`
	Steps       map[string]RunStep `json:"steps" db:"steps"`
	Error       *string            `json:"error,omitempty" db:"error"`
	CreatedAt   time.Time          `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at" db:"updated_at"`
	FinishedAt  *time.Time         `json:"finished_at,omitempty" db:"finished_at"`
}

// RunStep is the state and progress of one step of a run.
type RunStep struct {
	State      string     `json:"state"` // running, done, failed
	Done       int        `json:"done"`
	Total      int        `json:"total"`
	Error      string     `json:"error,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

const runColumns = `id, kind, subject, owner_id, state, step, outstanding, steps, error, created_at, updated_at, finished_at`

// CreateRun records a running run whose first step has total jobs.
func CreateRun(ctx context.Context, db DB, id uuid.UUID, kind, subject string, owner *uuid.UUID, step string, total int, now time.Time) (*Run, error) {
	steps, err := json.Marshal(map[string]RunStep{step: {State: RunRunning, Total: total, StartedAt: now}})
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `
		INSERT INTO pipeline_runs (id, kind, subject, owner_id, state, step, outstanding, steps, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $8)
		RETURNING `+runColumns, id, kind, subject, owner, step, total, steps, now)
	return one[Run](rows, err, "creating run")
}

// GetRun returns a run.
func GetRun(ctx context.Context, db DB, id uuid.UUID) (*Run, error) {
	rows, err := db.Query(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE id = $1`, id)
	return one[Run](rows, err, "reading run")
}

// CountRunJob counts one finished job of step and returns how many are still outstanding.
// The row lock it takes orders concurrent callers, so exactly one of them sees zero.
// ErrNotFound: the run is not running that step (cancelled, failed, or already past it).
func CountRunJob(ctx context.Context, db DB, runID uuid.UUID, step string) (int, error) {
	var outstanding int
	err := db.QueryRow(ctx, `
		UPDATE pipeline_runs SET outstanding = outstanding - 1, updated_at = now(),
			steps = jsonb_set(steps, ARRAY[$2::text, 'done'], to_jsonb((steps->$2->>'done')::int + 1))
		WHERE id = $1 AND step = $2 AND state = 'running'
		RETURNING outstanding`, runID, step).Scan(&outstanding)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("error counting step progress: %w", err)
	}
	return outstanding, nil
}

// LockRunStep locks the run's row until tx ends and reports whether it is running step.
func LockRunStep(ctx context.Context, tx pgx.Tx, runID uuid.UUID, step string) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT state = 'running' AND step = $2 FROM pipeline_runs WHERE id = $1 FOR UPDATE`,
		runID, step).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("error locking run: %w", err)
	}
	return ok, nil
}

// AdvanceRun marks step done and makes next, with total jobs, the running step.
func AdvanceRun(ctx context.Context, db DB, runID uuid.UUID, step, next string, total int, now time.Time) error {
	started, err := json.Marshal(RunStep{State: RunRunning, Total: total, StartedAt: now})
	if err != nil {
		return err
	}
	return execRun(ctx, db, `
		UPDATE pipeline_runs SET step = $3, outstanding = $4, updated_at = $5,
			steps = jsonb_set(jsonb_set(jsonb_set(steps, ARRAY[$2::text, 'state'], '"done"'),
				ARRAY[$2::text, 'finished_at'], to_jsonb($5::timestamptz)), ARRAY[$3::text], $6::jsonb)
		WHERE id = $1`, runID, step, next, total, now, started)
}

// FinishRun marks step and the run done.
func FinishRun(ctx context.Context, db DB, runID uuid.UUID, step string, now time.Time) error {
	return execRun(ctx, db, `
		UPDATE pipeline_runs SET state = 'done', finished_at = $3, updated_at = $3,
			steps = jsonb_set(jsonb_set(steps, ARRAY[$2::text, 'state'], '"done"'), ARRAY[$2::text, 'finished_at'], to_jsonb($3::timestamptz))
		WHERE id = $1`, runID, step, now)
}

// FailRun marks a running run failed at step with a reason a person understands.
func FailRun(ctx context.Context, db DB, runID uuid.UUID, step, reason string, now time.Time) error {
	return execRun(ctx, db, `
		UPDATE pipeline_runs SET state = 'failed', error = $3, finished_at = $4, updated_at = $4,
			steps = jsonb_set(jsonb_set(steps, ARRAY[$2::text, 'state'], '"failed"'), ARRAY[$2::text, 'error'], to_jsonb($3::text))
		WHERE id = $1 AND state = 'running'`, runID, step, reason, now)
}

func execRun(ctx context.Context, db DB, sql string, args ...any) error {
	if _, err := db.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("error updating run: %w", err)
	}
	return nil
}

// CancelRun marks a running run cancelled (its score was deleted or is processed anew) and
// returns the ids of its jobs that have not run yet, for the caller to cancel in River.
func CancelRun(ctx context.Context, db DB, runID uuid.UUID, now time.Time) ([]int64, error) {
	if err := execRun(ctx, db, `UPDATE pipeline_runs SET state = 'cancelled', finished_at = $2, updated_at = $2
		WHERE id = $1 AND state = 'running'`, runID, now); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT id FROM river_job WHERE metadata->>'pipeline_run_id' = $1
		AND state IN ('available', 'scheduled', 'retryable', 'pending', 'running')`, runID.String())
	if err != nil {
		return nil, fmt.Errorf("error listing the run's jobs: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
