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

// Change is one entry of a user's change log.
type Change struct {
	Seq      int64           `json:"seq"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"id"`
	Op       string          `json:"op"` // upsert or delete (a tombstone)
	Version  *int            `json:"version,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
	Fields   []string        `json:"fields,omitempty"`
	DeviceID string          `json:"device_id"`
	ClientTS time.Time       `json:"client_ts"`
}

// SetChangeOrigin says, for the rest of transaction tx, which device made its changes and
// when by the device's clock (zero: now); the change log's trigger records both.
func SetChangeOrigin(ctx context.Context, tx pgx.Tx, deviceID string, clientTS time.Time) error {
	ts := ""
	if !clientTS.IsZero() {
		ts = clientTS.UTC().Format(time.RFC3339Nano)
	}
	_, err := tx.Exec(ctx, `SELECT set_config('mirubato.device_id', $1, true), set_config('mirubato.client_ts', $2, true)`, deviceID, ts)
	if err != nil {
		return fmt.Errorf("error setting the change's origin: %w", err)
	}
	return nil
}

// LockChanges takes the user's change sequence for the rest of transaction tx: every other
// write of the user's synced data waits for it.
func LockChanges(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
	_, err := tx.Exec(ctx, `INSERT INTO sync_cursors (user_id, seq) VALUES ($1, 0)
		ON CONFLICT (user_id) DO UPDATE SET seq = sync_cursors.seq`, userID)
	if err != nil {
		return fmt.Errorf("error locking the change sequence: %w", err)
	}
	return nil
}

// ChangesSince returns up to limit of the user's changes after seq, in order, and whether
// more follow. ErrChangesPruned: some of them were deleted by the retention (PruneChanges).
func ChangesSince(ctx context.Context, db DB, userID uuid.UUID, seq int64, limit int) ([]Change, bool, error) {
	rows, err := db.Query(ctx, `SELECT `+changeColumns+`
		FROM sync_changes WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, userID, seq, limit+1)
	out, err := collectChanges(rows, err)
	if err != nil {
		return nil, false, err
	}
	// The sequence has no gaps and the retention deletes only the start of a log, so a page
	// that does not continue the cursor one by one lacks changes that were pruned; and an
	// empty page may be one whose changes were all pruned.
	for i, c := range out {
		if c.Seq != seq+int64(i)+1 {
			return nil, false, ErrChangesPruned
		}
	}
	if len(out) == 0 {
		kept, err := ChangesKept(ctx, db, userID, seq)
		if err != nil {
			return nil, false, err
		}
		if !kept {
			return nil, false, ErrChangesPruned
		}
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// ChangesKept reports whether every change of the user after seq is still in the log. In one
// statement, so the latest change and the log are read at one instant: a change counted by
// the cursor is always visible beside it (both are written by one transaction).
func ChangesKept(ctx context.Context, db DB, userID uuid.UUID, seq int64) (bool, error) {
	var kept bool
	err := db.QueryRow(ctx, `SELECT coalesce((SELECT seq FROM sync_cursors WHERE user_id = $1), 0) <= $2
		OR EXISTS (SELECT 1 FROM sync_changes WHERE user_id = $1 AND seq = $2 + 1)`, userID, seq).Scan(&kept)
	if err != nil {
		return false, fmt.Errorf("error reading the change log's start: %w", err)
	}
	return kept, nil
}

// PruneChanges deletes a batch of the oldest changes made before `before` (about limit of
// them) and returns how many went; call it again until it returns 0. Each user's log loses
// only its start: with a change, every earlier change of its user goes too (a transaction
// that began before another may take its seq after it, so created_at alone is not in seq
// order). ChangesSince relies on that.
func PruneChanges(ctx context.Context, db DB, before time.Time, limit int) (int64, error) {
	tag, err := db.Exec(ctx, `WITH oldest AS (
			SELECT user_id, seq FROM sync_changes WHERE created_at < $1 ORDER BY created_at LIMIT $2
		), upto AS (
			SELECT user_id, max(seq) AS seq FROM oldest GROUP BY user_id
		)
		DELETE FROM sync_changes c USING upto WHERE c.user_id = upto.user_id AND c.seq <= upto.seq`, before, limit)
	if err != nil {
		return 0, fmt.Errorf("error pruning the change log: %w", err)
	}
	return tag.RowsAffected(), nil
}

// ChangeCursor is the user's latest change's seq (0: none yet).
func ChangeCursor(ctx context.Context, db DB, userID uuid.UUID) (int64, error) {
	var seq int64
	err := db.QueryRow(ctx, `SELECT coalesce((SELECT seq FROM sync_cursors WHERE user_id = $1), 0)`, userID).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("error reading the change cursor: %w", err)
	}
	return seq, nil
}

// ChangesOf returns the changes of one entity after a version (all of them for version 0),
// oldest first: what happened to it since a device last saw it.
func ChangesOf(ctx context.Context, db DB, userID uuid.UUID, entity, entityID string, afterVersion int) ([]Change, error) {
	rows, err := db.Query(ctx, `SELECT `+changeColumns+`
		FROM sync_changes WHERE user_id = $1 AND entity = $2 AND entity_id = $3
			AND (version IS NULL OR version > $4 OR op = 'delete') ORDER BY seq`, userID, entity, entityID, afterVersion)
	return collectChanges(rows, err)
}

// changeColumns are Change's columns, in collectChanges' order.
const changeColumns = `seq, entity, entity_id, op, version, data, fields, device_id, client_ts`

func collectChanges(rows pgx.Rows, err error) ([]Change, error) {
	if err != nil {
		return nil, fmt.Errorf("error reading changes: %w", err)
	}
	var out []Change
	var c Change
	_, err = pgx.ForEachRow(rows, []any{&c.Seq, &c.Entity, &c.EntityID, &c.Op, &c.Version, &c.Data, &c.Fields, &c.DeviceID, &c.ClientTS}, func() error {
		out = append(out, c)
		c = Change{}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error reading changes: %w", err)
	}
	return out, nil
}

// PushedResult returns the stored result of a pushed change already applied (ErrNotFound:
// not applied yet).
func PushedResult(ctx context.Context, db DB, userID uuid.UUID, deviceID, clientChangeID string) (json.RawMessage, error) {
	var r json.RawMessage
	err := db.QueryRow(ctx, `SELECT result FROM sync_pushes WHERE user_id = $1 AND device_id = $2 AND client_change_id = $3`,
		userID, deviceID, clientChangeID).Scan(&r)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading a pushed change: %w", err)
	}
	return r, nil
}

// RecordPush keeps a pushed change's result, in the transaction that applied it. false: a
// concurrent push of the same change got there first (roll back).
func RecordPush(ctx context.Context, tx pgx.Tx, userID uuid.UUID, deviceID, clientChangeID string, result any) (bool, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO sync_pushes (user_id, device_id, client_change_id, result) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, userID, deviceID, clientChangeID, result)
	if err != nil {
		return false, fmt.Errorf("error recording a pushed change: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Device is one of a user's devices.
type Device struct {
	DeviceID   string    `json:"device_id"`
	Name       string    `json:"name"`
	Cursor     int64     `json:"cursor"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Connected  bool      `json:"connected"`
}

// SeeDevice records that a device was seen, with the cursor it has reached (kept when lower
// than the one known).
func SeeDevice(ctx context.Context, db DB, userID uuid.UUID, deviceID, name string, cursor int64) error {
	_, err := db.Exec(ctx, `INSERT INTO sync_devices (user_id, device_id, name, cursor) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, device_id) DO UPDATE SET last_seen_at = now(),
			name = CASE WHEN EXCLUDED.name = '' THEN sync_devices.name ELSE EXCLUDED.name END,
			cursor = greatest(sync_devices.cursor, EXCLUDED.cursor)`, userID, deviceID, name, cursor)
	if err != nil {
		return fmt.Errorf("error recording a device: %w", err)
	}
	return nil
}

// DeviceHeartbeat is how often an open socket's row is refreshed; a row not refreshed for
// three of them was left by a process that died.
const DeviceHeartbeat = 30 * time.Second

// OpenConnection records a device's open socket (the device must have been seen).
func OpenConnection(ctx context.Context, db DB, id, userID uuid.UUID, deviceID string) error {
	_, err := db.Exec(ctx, `INSERT INTO sync_connections (id, user_id, device_id) VALUES ($1, $2, $3)`, id, userID, deviceID)
	if err != nil {
		return fmt.Errorf("error recording a connection: %w", err)
	}
	return nil
}

// RefreshConnection keeps an open socket's row fresh, and its device's last_seen_at.
func RefreshConnection(ctx context.Context, db DB, id uuid.UUID) error {
	_, err := db.Exec(ctx, `WITH c AS (UPDATE sync_connections SET last_seen_at = now() WHERE id = $1 RETURNING user_id, device_id)
		UPDATE sync_devices d SET last_seen_at = now() FROM c WHERE d.user_id = c.user_id AND d.device_id = c.device_id`, id)
	if err != nil {
		return fmt.Errorf("error refreshing a connection: %w", err)
	}
	return nil
}

// CloseConnection forgets a closed socket.
func CloseConnection(ctx context.Context, db DB, id uuid.UUID) error {
	_, err := db.Exec(ctx, `WITH c AS (DELETE FROM sync_connections WHERE id = $1 RETURNING user_id, device_id)
		UPDATE sync_devices d SET last_seen_at = now() FROM c WHERE d.user_id = c.user_id AND d.device_id = c.device_id`, id)
	if err != nil {
		return fmt.Errorf("error forgetting a connection: %w", err)
	}
	return nil
}

// Devices returns the user's devices, most recently seen first; connected: with a socket
// open (a fresh connection row).
func Devices(ctx context.Context, db DB, userID uuid.UUID) ([]Device, error) {
	rows, err := db.Query(ctx, `SELECT d.device_id, d.name, d.cursor, d.last_seen_at,
			EXISTS (SELECT 1 FROM sync_connections c WHERE c.user_id = d.user_id AND c.device_id = d.device_id
				AND c.last_seen_at > now() - 3 * $2::interval)
		FROM sync_devices d WHERE d.user_id = $1 ORDER BY d.last_seen_at DESC, d.device_id`, userID, DeviceHeartbeat)
	if err != nil {
		return nil, fmt.Errorf("error reading devices: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Device])
}
