package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// QueueActivity is a queue's state for the operators' pipelines page.
type QueueActivity struct {
	Queue string `db:"queue" json:"queue"`
	// Available jobs can be worked now; Running are being worked; Waiting are scheduled for
	// later or waiting to retry.
	Available int64 `db:"available" json:"available"`
	Running   int64 `db:"running" json:"running"`
	Waiting   int64 `db:"waiting" json:"waiting"`
	// OldestAgeSeconds is how long the oldest available job has waited (0: none waits).
	OldestAgeSeconds float64 `db:"oldest_age_seconds" json:"oldest_age_seconds"`
	// CompletedLastHour is the throughput; FailedLastHour counts failed attempts (a job
	// retried three times counts three) and DiscardedLastHour the jobs that gave up.
	CompletedLastHour int64 `db:"completed_last_hour" json:"completed_last_hour"`
	FailedLastHour    int64 `db:"failed_last_hour" json:"failed_last_hour"`
	DiscardedLastHour int64 `db:"discarded_last_hour" json:"discarded_last_hour"`
}

// QueuesActivity returns the activity of the named queues, in their order (a queue without
// jobs has zeros), then of any other queue that has jobs. It scans river_job, whose
// finished jobs River deletes after a day.
func QueuesActivity(ctx context.Context, db DB, names []string) ([]QueueActivity, error) {
	rows, err := db.Query(ctx, `
		SELECT queue,
			count(*) FILTER (WHERE state = 'available') AS available,
			count(*) FILTER (WHERE state = 'running') AS running,
			count(*) FILTER (WHERE state IN ('scheduled', 'retryable', 'pending')) AS waiting,
			coalesce(extract(epoch FROM now() - min(scheduled_at) FILTER (
				WHERE state = 'available' AND scheduled_at <= now())), 0)::float8 AS oldest_age_seconds,
			count(*) FILTER (WHERE state = 'completed' AND finalized_at > now() - interval '1 hour') AS completed_last_hour,
			coalesce(sum((SELECT count(*) FROM unnest(errors) e WHERE (e->>'at')::timestamptz > now() - interval '1 hour'))
				FILTER (WHERE errors IS NOT NULL AND attempted_at > now() - interval '1 hour'), 0)::bigint AS failed_last_hour,
			count(*) FILTER (WHERE state = 'discarded' AND finalized_at > now() - interval '1 hour') AS discarded_last_hour
		FROM river_job GROUP BY queue ORDER BY queue`)
	if err != nil {
		return nil, fmt.Errorf("error reading queue activity: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[QueueActivity])
	if err != nil {
		return nil, fmt.Errorf("error reading queue activity: %w", err)
	}
	byName := make(map[string]QueueActivity, len(found))
	for _, q := range found {
		byName[q.Queue] = q
	}
	out := make([]QueueActivity, 0, len(names)+len(found))
	for _, name := range names {
		q, ok := byName[name]
		if !ok {
			q = QueueActivity{Queue: name}
		}
		out = append(out, q)
		delete(byName, name)
	}
	for _, q := range found {
		if _, ok := byName[q.Queue]; ok {
			out = append(out, q)
		}
	}
	return out, nil
}

// FailedJob is a job whose last attempt failed: waiting to retry, or given up (discarded).
type FailedJob struct {
	ID          int64     `db:"id" json:"id"`
	Queue       string    `db:"queue" json:"queue"`
	Kind        string    `db:"kind" json:"kind"`
	State       string    `db:"state" json:"state"`
	Attempt     int       `db:"attempt" json:"attempt"`
	MaxAttempts int       `db:"max_attempts" json:"max_attempts"`
	Error       string    `db:"error" json:"error"`
	FailedAt    time.Time `db:"failed_at" json:"failed_at"`
	// NextAttemptAt is when a retryable job runs again.
	NextAttemptAt *time.Time `db:"next_attempt_at" json:"next_attempt_at,omitempty"`
}

// RecentFailures returns the latest failed jobs, newest failure first.
func RecentFailures(ctx context.Context, db DB, limit int) ([]FailedJob, error) {
	rows, err := db.Query(ctx, `
		SELECT id, queue, kind, state::text AS state, attempt, max_attempts,
			coalesce(errors[cardinality(errors)]->>'error', '') AS error,
			coalesce((errors[cardinality(errors)]->>'at')::timestamptz, finalized_at, attempted_at, created_at) AS failed_at,
			CASE WHEN state = 'retryable' THEN scheduled_at END AS next_attempt_at
		FROM river_job
		WHERE state IN ('retryable', 'discarded')
		ORDER BY failed_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("error reading failed jobs: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[FailedJob])
	if err != nil {
		return nil, fmt.Errorf("error reading failed jobs: %w", err)
	}
	return out, nil
}
