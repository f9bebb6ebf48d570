package store

import (
	"context"
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
	if _, err := db.Exec(ctx, `
		INSERT INTO queue_heartbeats (queue, worked_at, worker_id) VALUES ($1, now(), $2)
		ON CONFLICT (queue) DO UPDATE SET worked_at = excluded.worked_at, worker_id = excluded.worker_id`,
		queue, workerID); err != nil {
		return fmt.Errorf("error recording heartbeat: %w", err)
	}
	return nil
}

// LastHeartbeat returns the queue's heartbeat; ErrNotFound when no canary was ever worked.
func LastHeartbeat(ctx context.Context, db DB, queue string) (*Heartbeat, error) {
	rows, err := db.Query(ctx, `SELECT queue, worked_at, worker_id FROM queue_heartbeats WHERE queue = $1`, queue)
	return one[Heartbeat](rows, err, "reading heartbeat")
}

// QueueStateCount is how many River jobs of a queue are in a state.
type QueueStateCount struct {
	Queue string `db:"queue"`
	State string `db:"state"`
	Jobs  int64  `db:"jobs"`
}

// JobCounts counts River's jobs by queue and state. It scans river_job: callers cache it.
func JobCounts(ctx context.Context, db DB) ([]QueueStateCount, error) {
	rows, err := db.Query(ctx, `SELECT queue, state::text AS state, count(*) AS jobs FROM river_job GROUP BY queue, state`)
	if err != nil {
		return nil, fmt.Errorf("error counting jobs: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[QueueStateCount])
	if err != nil {
		return nil, fmt.Errorf("error counting jobs: %w", err)
	}
	return out, nil
}

// QueueDepth is how many jobs of a queue can be worked now and how long the oldest waited.
type QueueDepth struct {
	Queue            string  `db:"queue"`
	Available        int64   `db:"available"`
	OldestAgeSeconds float64 `db:"oldest_age_seconds"`
}

// QueueDepths returns the depth of every queue that has jobs available now.
func QueueDepths(ctx context.Context, db DB) ([]QueueDepth, error) {
	rows, err := db.Query(ctx, `
		SELECT queue, count(*) AS available,
			coalesce(extract(epoch FROM now() - min(scheduled_at)), 0)::float8 AS oldest_age_seconds
		FROM river_job
		WHERE state = 'available' AND scheduled_at <= now()
		GROUP BY queue`)
	if err != nil {
		return nil, fmt.Errorf("error reading queue depths: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[QueueDepth])
	if err != nil {
		return nil, fmt.Errorf("error reading queue depths: %w", err)
	}
	return out, nil
}
