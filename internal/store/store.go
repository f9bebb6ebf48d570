package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Errors callers branch on. The API maps them to HTTP statuses in one place.
var (
	// ErrNotFound: no such row for this user (another user's rows are "not found" too).
	ErrNotFound = errors.New("not found")
	// ErrVersionConflict: the row changed since the version the caller edited.
	ErrVersionConflict = errors.New("version conflict")
	// ErrBadCursor: a pagination cursor that this server did not issue for this list.
	ErrBadCursor = errors.New("invalid cursor")
	// ErrChangesPruned: changes after a sync cursor were deleted by the change log's
	// retention; the device must read the whole account again.
	ErrChangesPruned = errors.New("changes after this cursor are no longer kept")
)

// Page is one page of a list and the cursor of the next one ("" at the end).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// sortSpec is one way a list can be ordered: by a column, then by id, for a stable keyset.
type sortSpec struct {
	column string // SQL column
	cast   string // SQL type of the cursor value
	desc   bool
	value  func(row any) string // the row's value of column, as cursor text
}

type cursor struct {
	Sort  string    `json:"s"`
	Value string    `json:"v"`
	ID    uuid.UUID `json:"id"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string, spec sortSpec) (*cursor, error) {
	if s == "" {
		return nil, nil //nolint:nilnil // no cursor: the first page
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != sort {
		return nil, ErrBadCursor
	}
	switch spec.cast {
	case "timestamptz":
		if _, err := time.Parse(time.RFC3339Nano, c.Value); err != nil {
			return nil, ErrBadCursor
		}
	case "int":
		if _, err := strconv.Atoi(c.Value); err != nil {
			return nil, ErrBadCursor
		}
	}
	return &c, nil
}

// listQuery builds "SELECT cols FROM table WHERE where AND keyset ORDER BY … LIMIT n+1".
type listQuery struct {
	where []string
	args  []any
}

func (q *listQuery) add(cond string, args ...any) {
	for _, a := range args {
		q.args = append(q.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(q.args)), 1)
	}
	q.where = append(q.where, cond)
}

// page runs the list query and cuts the result into a page with its next cursor.
func page[T any](ctx context.Context, db DB, selectFrom string, q *listQuery, sorts map[string]sortSpec,
	sortName, after string, limit int, scan scanFunc[T], id func(*T) uuid.UUID,
) (*Page[T], error) {
	spec, ok := sorts[sortName]
	if !ok {
		return nil, fmt.Errorf("unknown sort %q", sortName)
	}
	c, err := decodeCursor(after, sortName, spec)
	if err != nil {
		return nil, err
	}
	if c != nil {
		op := ">"
		if spec.desc {
			op = "<"
		}
		q.add(fmt.Sprintf("(%s, id) %s (?::%s, ?::uuid)", spec.column, op, spec.cast), c.Value, c.ID)
	}
	dir := "ASC"
	if spec.desc {
		dir = "DESC"
	}
	q.args = append(q.args, limit+1)
	sql := fmt.Sprintf("%s WHERE %s ORDER BY %s %s, id %s LIMIT $%d",
		selectFrom, strings.Join(q.where, " AND "), spec.column, dir, dir, len(q.args))
	rows, err := db.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("error listing: %w", err)
	}
	items, err := collect(rows, limit+1, scan)
	if err != nil {
		return nil, fmt.Errorf("error listing: %w", err)
	}
	p := &Page[T]{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		last := &p.Items[limit-1]
		p.NextCursor = encodeCursor(cursor{Sort: sortName, Value: spec.value(last), ID: id(last)})
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p, nil
}

// versionCheck turns "no row updated" into ErrNotFound or ErrVersionConflict.
func versionCheck(ctx context.Context, db DB, table string, id, userID uuid.UUID) error {
	var exists bool
	err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+" WHERE id = $1 AND user_id = $2)", id, userID).Scan(&exists)
	if err != nil {
		return fmt.Errorf("error checking version: %w", err)
	}
	if exists {
		return ErrVersionConflict
	}
	return ErrNotFound
}

// scanFunc reads the current row into *into. Lists scan straight into their result slice,
// sized for the page up front: on the API's hot path this halves what each request
// allocates, and so how often the collector runs under load.
type scanFunc[T any] func(row pgx.CollectableRow, into *T) error

// byName is a scanFunc that matches columns to struct fields by name (reflection: fine for
// all but the hottest lists).
func byName[T any](row pgx.CollectableRow, into *T) error {
	v, err := pgx.RowToStructByName[T](row)
	*into = v
	return err
}

// collect reads up to capacity rows (more are read too) into a slice allocated once.
func collect[T any](rows pgx.Rows, capacity int, scan scanFunc[T]) ([]T, error) {
	defer rows.Close()
	items := make([]T, 0, capacity)
	var zero T
	for rows.Next() {
		items = append(items, zero)
		if err := scan(rows, &items[len(items)-1]); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

func one[T any](rows pgx.Rows, err error, what string) (*T, error) {
	if err != nil {
		return nil, fmt.Errorf("error %s: %w", what, err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error %s: %w", what, err)
	}
	return v, nil
}

// likeEscape makes s match itself in a LIKE pattern (backslash is the default escape).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func sortNames(m map[string]sortSpec) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
