package imslp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/mirubato/mirubato/internal/store"
)

// ErrNotFound is a batch that does not exist or is not the caller's.
var ErrNotFound = errors.New("no such IMSLP batch")

// ErrEnded is a batch that cannot be cancelled because it has ended.
var ErrEnded = errors.New("the batch has ended")

// Counts are a batch's items by state.
type Counts struct {
	Queued    int `json:"queued"`
	Imported  int `json:"imported"`
	Duplicate int `json:"duplicate"`
	Skipped   int `json:"skipped"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
}

// Finished is the number of items that have an outcome.
func (c Counts) Finished() int { return c.Imported + c.Duplicate + c.Skipped + c.Failed + c.Cancelled }

// Owner says whose batches a call reaches: one user's, or everyone's for the operator's
// commands. The zero Owner reaches no one's.
type Owner struct {
	id     uuid.UUID
	anyone bool
}

// OwnedBy reaches userID's batches only.
func OwnedBy(userID uuid.UUID) Owner { return Owner{id: userID} }

// Anyone reaches every user's batches (the command line; never the API).
func Anyone() Owner { return Owner{anyone: true} }

// Asked is what a batch was asked to import: the number of works of a list (the list itself
// is in the items), or a composer with its filter and limit.
type Asked struct {
	Works           int    `json:"works"`
	Composer        string `json:"composer,omitempty"`
	Instrumentation string `json:"instrumentation,omitempty"`
	Limit           int    `json:"limit,omitempty"`
}

// Batch is a batch's status: what was asked, its items by state and its progress.
type Batch struct {
	ID      uuid.UUID `json:"id"`
	Status  string    `json:"status"` // listing, running, done, cancelled, failed
	Request Asked     `json:"request"`
	Error   *string   `json:"error,omitempty"`
	Total   int       `json:"total"` // works in the batch (0 while a composer's works are listed)
	Counts  Counts    `json:"counts"`
	// Progress is the share of works with an outcome, 0–1 (1 once the batch has ended).
	Progress   float64    `json:"progress"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Ended reports whether the batch will change no more.
func (b *Batch) Ended() bool { return b.Status != "listing" && b.Status != "running" }

const batchColumns = `
	b.id, b.status, b.request - 'works', coalesce(jsonb_array_length(b.request->'works'), 0), b.error, b.created_at, b.finished_at,
	c.queued, c.imported, c.duplicate, c.skipped, c.failed, c.cancelled`

// countsOf counts a batch's items by state (the items' (batch_id, state) index answers it).
const countsOf = `
	LEFT JOIN LATERAL (
		SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
			count(*) FILTER (WHERE state = 'imported') AS imported,
			count(*) FILTER (WHERE state = 'duplicate') AS duplicate,
			count(*) FILTER (WHERE state = 'skipped') AS skipped,
			count(*) FILTER (WHERE state = 'failed') AS failed,
			count(*) FILTER (WHERE state = 'cancelled') AS cancelled
		FROM imslp_batch_items WHERE batch_id = b.id) c ON true`

func scanBatch(row pgx.Row) (*Batch, error) {
	var b Batch
	var raw []byte
	c := &b.Counts
	if err := row.Scan(&b.ID, &b.Status, &raw, &b.Request.Works, &b.Error, &b.CreatedAt, &b.FinishedAt,
		&c.Queued, &c.Imported, &c.Duplicate, &c.Skipped, &c.Failed, &c.Cancelled); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &b.Request); err != nil {
		return nil, fmt.Errorf("batch %s: its request: %w", b.ID, err)
	}
	b.Total = c.Queued + c.Finished()
	switch {
	case b.Ended():
		b.Progress = 1
	case b.Total > 0:
		b.Progress = float64(c.Finished()) / float64(b.Total)
	}
	return &b, nil
}

// ownedBy is the condition on a batch's owner_id of an Owner passed as $n (anyone) and
// $n+1 (the user).
func ownedBy(n int) string {
	return fmt.Sprintf("($%d OR owner_id = $%d)", n, n+1)
}

// Status returns batch id if o reaches it; ErrNotFound otherwise.
func Status(ctx context.Context, db store.DB, o Owner, id uuid.UUID) (*Batch, error) {
	b, err := scanBatch(db.QueryRow(ctx, `SELECT`+batchColumns+` FROM imslp_batches b`+countsOf+`
		WHERE b.id = $1 AND `+ownedBy(2), id, o.anyone, o.id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}

// List returns the latest batches o reaches, newest first.
func List(ctx context.Context, db store.DB, o Owner, limit int) ([]Batch, error) {
	rows, err := db.Query(ctx, `SELECT`+batchColumns+` FROM imslp_batches b`+countsOf+`
		WHERE `+ownedBy(1)+`
		ORDER BY b.created_at DESC, b.id LIMIT $3`, o.anyone, o.id, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Batch{}
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// Item is one work of a batch and its outcome.
type Item struct {
	Work      string     `json:"work"`             // the reference: a page id or a page title
	State     string     `json:"state"`            // queued, imported, duplicate, skipped, failed, cancelled
	Reason    *string    `json:"reason,omitempty"` // why it was skipped, failed or is a duplicate
	PageID    *int64     `json:"page_id,omitempty"`
	FileIndex *int64     `json:"file_index,omitempty"`
	ScoreID   *uuid.UUID `json:"score_id,omitempty"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Items returns up to limit items of batch id (if o reaches it) after the work named after,
// in order of the reference, optionally only those in state.
func Items(ctx context.Context, db store.DB, o Owner, id uuid.UUID, state, after string, limit int) ([]Item, error) {
	var mine bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM imslp_batches WHERE id = $1 AND `+ownedBy(2)+`)`,
		id, o.anyone, o.id).Scan(&mine); err != nil {
		return nil, err
	}
	if !mine {
		return nil, ErrNotFound
	}
	rows, err := db.Query(ctx, `
		SELECT work, state, reason, page_id, file_index, score_id, updated_at FROM imslp_batch_items
		WHERE batch_id = $1 AND ($2 = '' OR state = $2) AND work > $3 ORDER BY work LIMIT $4`, id, state, after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		var it Item
		err := r.Scan(&it.Work, &it.State, &it.Reason, &it.PageID, &it.FileIndex, &it.ScoreID, &it.UpdatedAt)
		return it, err
	})
}

// Cancel cancels batch id (if o reaches it): works not yet imported end as cancelled
// (those with a job find that and end), and so does a composer's listing; the owner's
// other batches get the jobs it had (up to StartWindow at once). ErrEnded when it has
// ended already.
func Cancel(ctx context.Context, pool *pgxpool.Pool, client *river.Client[pgx.Tx], o Owner, id uuid.UUID) (*Batch, error) {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var owner uuid.UUID
		err := tx.QueryRow(ctx, `SELECT owner_id FROM imslp_batches WHERE id = $1 AND `+ownedBy(2), id, o.anyone, o.id).Scan(&owner)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := lockOwner(ctx, tx, owner); err != nil {
			return err
		}
		var status string
		err = tx.QueryRow(ctx, `SELECT status FROM imslp_batches WHERE id = $1 FOR UPDATE`, id).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound // deleted with its owner meanwhile
		}
		if err != nil {
			return err
		}
		if status != "listing" && status != "running" {
			return ErrEnded
		}
		if _, err := tx.Exec(ctx, `UPDATE imslp_batches SET status = 'cancelled', finished_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `
			UPDATE imslp_batch_items SET state = 'cancelled', reason = 'the batch was cancelled', updated_at = now()
			WHERE batch_id = $1 AND state = 'queued'`, id); err != nil {
			return err
		}
		_, err = dispatch(ctx, tx, client, owner, StartWindow, 1)
		return err
	})
	if err != nil {
		return nil, err
	}
	return Status(ctx, pool, o, id)
}
