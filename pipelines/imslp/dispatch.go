package imslp

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Scheduling (docs/imslp.md): a batch's works wait in imslp_batch_items, and each owner has
// at most a window of works with a job in River at once. A work that ends inserts its
// owner's next one, in the transaction that records its outcome, so the replacement joins
// the queue behind every other owner's works: River's first-in-first-out order over windows
// of bounded size takes owners in turn. Within an owner, the works are taken from its
// running batches in turn. The state is rows, so it holds across processes, and every
// change to it commits with the outcome that caused it, so a crash loses or repeats nothing.

// StartWindow is how many of its owner's works a new batch, or a cancellation, gives a job
// (the API does not know the workers' window); the first work to end tops its owner up to
// the workers' window.
const StartWindow = 2

// refillStep is how many places of an owner's window a finishing work waits to see free
// before it tops the window up: a quarter of it (at least one), so that a wide window's jobs
// go in several at a time (one River insert for many; with no rate limit, inserting each
// replacement alone cost about a fifth of the import's throughput).
func refillStep(window int) int { return max(1, window/4) }

// noLimitWindow is the window with no rate limit: the workers are then what bounds the
// import, and this is more than a process works at once (the imslp queue's 10), while a
// newcomer's works still wait behind at most this many of another owner's.
const noLimitWindow = 100

// WindowFor returns how many works of one owner may have a job at once under a shared
// limit of rate requests a second (0: no limit). With a limit, IMSLP's turns are what is
// scarce: the limiter lets a caller wait for a turn up to max(2 s, 2 turns) ahead
// (internal/imslp.NewPGLimiter) and tells the others to come back later, so one work more
// than that keeps every turn in use, and more works would only take turns from other
// owners. A newcomer's one work takes about one turn in window+1 while another owner fills
// its window: a few seconds a request at any rate.
func WindowFor(rate float64) int {
	if rate <= 0 {
		return noLimitWindow
	}
	return min(noLimitWindow, int(math.Ceil(max(2*rate, 2)))+1)
}

// lockOwner takes ownerID's lock until tx ends. Every transaction that creates an owner's
// batch, lists one's works, records a work's outcome, cancels or sweeps (each of which
// dispatches) takes it first, before any batch's row lock: one creator of the owner's
// batches at a time (the cap on unfinished ones holds), one dispatcher, and a lock order
// that cannot deadlock.
func lockOwner(ctx context.Context, tx pgx.Tx, ownerID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('imslp_batches:' || $1::text, 0))`, ownerID); err != nil {
		return fmt.Errorf("error locking the owner's IMSLP imports: %w", err)
	}
	return nil
}

// lockBatchOwner takes the lock of batchID's owner; false when the batch does not exist
// (deleted with its owner).
func lockBatchOwner(ctx context.Context, tx pgx.Tx, batchID uuid.UUID) (uuid.UUID, bool, error) {
	var owner uuid.UUID
	err := tx.QueryRow(ctx, `
		SELECT b.owner_id FROM imslp_batches b,
			LATERAL (SELECT pg_advisory_xact_lock(hashtextextended('imslp_batches:' || b.owner_id::text, 0))) l
		WHERE b.id = $1`, batchID).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("error locking the owner's IMSLP imports: %w", err)
	}
	return owner, true, nil
}

// dispatch inserts jobs for ownerID's waiting works until window of them have one, in tx,
// if at least least places are free, and returns how many it inserted. The caller holds the
// owner's lock. It tops up rather than hands on, so calling it again, or from anywhere,
// never exceeds the window: the works with a job are counted, not remembered.
func dispatch(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], ownerID uuid.UUID, window, least int) (int, error) {
	// One statement (it runs in every finishing work's transaction, under the owner's lock):
	// count the works under way; choose the next ones round-robin across the owner's running
	// batches (every batch's first waiting work, the batch served longest ago first, then
	// every batch's second…); mark them dispatched; move each chosen batch to the back of
	// the round-robin, in the order served.
	rows, err := tx.Query(ctx, `
		WITH busy AS (
			SELECT count(*) AS n FROM imslp_batches b JOIN imslp_batch_items i ON i.batch_id = b.id
			WHERE b.owner_id = $1 AND b.status = 'running' AND i.state = 'queued' AND i.dispatched_at IS NOT NULL
		), free AS (
			SELECT CASE WHEN $2 - n >= $3 THEN $2 - n ELSE 0 END AS n FROM busy
		), pick AS (
			SELECT b.id AS batch_id, i.work,
				row_number() OVER (ORDER BY i.rank, b.last_dispatch NULLS FIRST, b.created_at, b.id) AS turn
			FROM imslp_batches b
			CROSS JOIN LATERAL (
				SELECT work, row_number() OVER (ORDER BY position) AS rank FROM (
					SELECT work, position FROM imslp_batch_items
					WHERE batch_id = b.id AND state = 'queued' AND dispatched_at IS NULL
					ORDER BY position LIMIT (SELECT n FROM free)) first) i
			WHERE b.owner_id = $1 AND b.status = 'running'
			ORDER BY turn LIMIT (SELECT n FROM free)
		), marked AS (
			UPDATE imslp_batch_items i SET dispatched_at = now() FROM pick
			WHERE i.batch_id = pick.batch_id AND i.work = pick.work
		), served AS (
			UPDATE imslp_batches b SET last_dispatch = top.n + p.turn
			FROM (SELECT batch_id, max(turn) AS turn FROM pick GROUP BY batch_id) p,
				(SELECT coalesce(max(last_dispatch), 0) AS n FROM imslp_batches WHERE owner_id = $1 AND status = 'running') top
			WHERE b.id = p.batch_id
		)
		SELECT batch_id, work FROM pick ORDER BY turn`, ownerID, window, least)
	if err != nil {
		return 0, fmt.Errorf("error choosing the owner's next works: %w", err)
	}
	var params []river.InsertManyParams
	var a ImportWorkArgs
	if _, err := pgx.ForEachRow(rows, []any{&a.BatchID, &a.Work}, func() error {
		params = append(params, river.InsertManyParams{Args: a})
		return nil
	}); err != nil {
		return 0, fmt.Errorf("error choosing the owner's next works: %w", err)
	}
	if len(params) == 0 {
		return 0, nil
	}
	if _, err := client.InsertManyTx(ctx, tx, params); err != nil {
		return 0, fmt.Errorf("error inserting the works' jobs: %w", err)
	}
	return len(params), nil
}
