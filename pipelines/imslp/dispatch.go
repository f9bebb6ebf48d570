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

// lockOwner takes ownerID's lock until tx ends. Every transaction that changes an owner's
// batches or dispatches its works takes it first, before any batch's row lock: one creator
// of its batches at a time (the cap on unfinished ones holds), one dispatcher, and a lock
// order that cannot deadlock.
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
	err := tx.QueryRow(ctx, `SELECT owner_id FROM imslp_batches WHERE id = $1`, batchID).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, err
	}
	return owner, true, lockOwner(ctx, tx, owner)
}

// dispatch inserts jobs for ownerID's waiting works until window of them have one, in tx,
// and returns how many it inserted. The caller holds the owner's lock. It tops up rather
// than hands on, so calling it again, or from anywhere, never exceeds the window: the works
// with a job are counted, not remembered.
func dispatch(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], ownerID uuid.UUID, window int) (int, error) {
	var busy int
	if err := tx.QueryRow(ctx, `
		SELECT count(*) FROM imslp_batches b JOIN imslp_batch_items i ON i.batch_id = b.id
		WHERE b.owner_id = $1 AND b.status = 'running' AND i.state = 'queued' AND i.dispatched_at IS NOT NULL`,
		ownerID).Scan(&busy); err != nil {
		return 0, fmt.Errorf("error counting the owner's works under way: %w", err)
	}
	free := window - busy
	if free <= 0 {
		return 0, nil
	}
	// Round-robin across the owner's running batches: every batch's first waiting work, the
	// batch served longest ago first, then every batch's second, and so on.
	rows, err := tx.Query(ctx, `
		SELECT b.id, i.work FROM imslp_batches b
		CROSS JOIN LATERAL (
			SELECT work, row_number() OVER (ORDER BY position) AS rank FROM (
				SELECT work, position FROM imslp_batch_items
				WHERE batch_id = b.id AND state = 'queued' AND dispatched_at IS NULL
				ORDER BY position LIMIT $2) first) i
		WHERE b.owner_id = $1 AND b.status = 'running'
		ORDER BY i.rank, b.last_dispatch NULLS FIRST, b.created_at, b.id
		LIMIT $2`, ownerID, free)
	if err != nil {
		return 0, fmt.Errorf("error choosing the owner's next works: %w", err)
	}
	var batchIDs []uuid.UUID
	var works []string
	var batchID uuid.UUID
	var work string
	if _, err := pgx.ForEachRow(rows, []any{&batchID, &work}, func() error {
		batchIDs, works = append(batchIDs, batchID), append(works, work)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("error choosing the owner's next works: %w", err)
	}
	if len(works) == 0 {
		return 0, nil
	}
	if _, err := tx.Exec(ctx, `
		UPDATE imslp_batch_items i SET dispatched_at = now()
		FROM unnest($1::uuid[], $2::text[]) AS d(batch_id, work)
		WHERE i.batch_id = d.batch_id AND i.work = d.work`, batchIDs, works); err != nil {
		return 0, fmt.Errorf("error recording the dispatched works: %w", err)
	}
	// Each batch's place in the round-robin: after the owner's latest, in the order served.
	last := map[uuid.UUID]int{}
	for i, id := range batchIDs {
		last[id] = i + 1
	}
	ids, turns := make([]uuid.UUID, 0, len(last)), make([]int, 0, len(last))
	for id, n := range last {
		ids, turns = append(ids, id), append(turns, n)
	}
	if _, err := tx.Exec(ctx, `
		UPDATE imslp_batches b SET last_dispatch = top.n + d.turn
		FROM unnest($2::uuid[], $3::int[]) AS d(id, turn),
			(SELECT coalesce(max(last_dispatch), 0) AS n FROM imslp_batches WHERE owner_id = $1) top
		WHERE b.id = d.id`, ownerID, ids, turns); err != nil {
		return 0, fmt.Errorf("error recording the batches' turns: %w", err)
	}
	params := make([]river.InsertManyParams, len(works))
	for i := range works {
		params[i] = river.InsertManyParams{Args: ImportWorkArgs{BatchID: batchIDs[i], Work: works[i]}}
	}
	if _, err := client.InsertManyTx(ctx, tx, params); err != nil {
		return 0, fmt.Errorf("error inserting the works' jobs: %w", err)
	}
	return len(works), nil
}
