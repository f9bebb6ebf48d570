package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Heartbeat is the last time a queue's canary job was worked, and by which worker.
type Heartbeat struct {
	Queue    string    `db:"queue" json:"queue"`
	WorkedAt time.Time `db:"worked_at" json:"worked_at"`
	WorkerID string    `db:"worker_id" json:"worker_id"`
}

// RecordHeartbeat notes that workerID worked a canary job on queue just now.
func RecordHeartbeat(ctx context.Context, db DB, queue, workerID string) error {
	rows, err := db.Query(ctx, `
		INSERT INTO queue_heartbeats (queue, worked_at, worker_id) VALUES ($1, now(), $2)
		ON CONFLICT (queue) DO UPDATE SET worked_at = excluded.worked_at, worker_id = excluded.worker_id`,
		queue, workerID)
	if err != nil {
		return fmt.Errorf("error recording heartbeat: %w", err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("error recording heartbeat: %w", err)
	}
	return nil
}

// LastHeartbeat returns the queue's heartbeat, or nil when no canary was ever worked.
func LastHeartbeat(ctx context.Context, db DB, queue string) (*Heartbeat, error) {
	rows, err := db.Query(ctx, `SELECT queue, worked_at, worker_id FROM queue_heartbeats WHERE queue = $1`, queue)
	if err != nil {
		return nil, fmt.Errorf("error reading heartbeat: %w", err)
	}
	hb, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Heartbeat])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil //nolint:nilnil // "never" is a normal answer here, not an error
	}
	if err != nil {
		return nil, fmt.Errorf("error reading heartbeat: %w", err)
	}
	return hb, nil
}
