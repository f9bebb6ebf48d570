package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/textfold"
)

// Collection is an ordered set of scores.
type Collection struct {
	ID          uuid.UUID `json:"id" db:"id"`
	OwnerID     uuid.UUID `json:"owner_id" db:"owner_id"`
	Name        string    `json:"name" db:"name"`
	Description string    `json:"description" db:"description"`
	Visibility  string    `json:"visibility" db:"visibility"`
	Slug        *string   `json:"slug" db:"slug"` // while public
	ScoreCount  int       `json:"score_count" db:"score_count"`
	Version     int       `json:"version" db:"version"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time `json:"updated_at" db:"updated_at"`
}

// CollectionInput is what the owner writes.
type CollectionInput struct {
	Name        string `json:"name" validate:"required,min=1,max=200"`
	Description string `json:"description,omitempty" validate:"max=2000"`
	Visibility  string `json:"visibility,omitempty" validate:"omitempty,oneof=private public"`
	Version     *int   `json:"version,omitempty" validate:"omitempty,min=1"`
}

// visibleMember is the SQL condition for a collection's score (s) that the collection's owner
// may see: their own, or a public or unlisted ready one.
const visibleMember = `(s.owner_id = collections.owner_id OR (s.visibility IN ('public', 'unlisted') AND s.status = 'ready'))`

const collectionColumns = `id, owner_id, name, description, visibility, slug, version, created_at, updated_at,
	(SELECT count(*) FROM collection_scores cs JOIN scores s ON s.id = cs.score_id
		WHERE cs.collection_id = collections.id AND ` + visibleMember + `)::int AS score_count`

var slugUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// newSlug makes a readable, unguessable slug from a name: "romantic-nocturnes-3f9a1c".
func newSlug(name string) string {
	base := strings.Trim(slugUnsafe.ReplaceAllString(strings.ToLower(textfold.Plain(name)), "-"), "-")
	if len(base) > 60 {
		base = strings.TrimRight(base[:60], "-")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	if base == "" {
		return hex.EncodeToString(b)
	}
	return base + "-" + hex.EncodeToString(b)
}

// CreateCollection creates userID's collection.
func CreateCollection(ctx context.Context, db DB, userID uuid.UUID, in *CollectionInput) (*Collection, error) {
	vis := in.Visibility
	if vis == "" {
		vis = "private"
	}
	var slug *string
	if vis == "public" {
		s := newSlug(in.Name)
		slug = &s
	}
	rows, err := db.Query(ctx, `INSERT INTO collections (id, owner_id, name, description, visibility, slug)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+collectionColumns, uuid.New(), userID, in.Name, in.Description, vis, slug)
	return one[Collection](rows, err, "creating collection")
}

// GetCollection returns userID's collection id.
func GetCollection(ctx context.Context, db DB, userID, id uuid.UUID) (*Collection, error) {
	rows, err := db.Query(ctx, `SELECT `+collectionColumns+` FROM collections WHERE id = $1 AND owner_id = $2`, id, userID)
	return one[Collection](rows, err, "reading collection")
}

// UpdateCollection replaces name, description and visibility (if at ifVersion). Making it
// public gives it a slug; making it private takes the slug away (the old link stops working).
func UpdateCollection(ctx context.Context, db DB, userID, id uuid.UUID, in *CollectionInput, ifVersion *int) (*Collection, error) {
	vis := in.Visibility
	if vis == "" {
		vis = "private"
	}
	rows, err := db.Query(ctx, `
		UPDATE collections SET name = $3, description = $4, visibility = $5,
			slug = CASE WHEN $5 = 'public' THEN coalesce(slug, $6) END,
			version = version + 1, updated_at = now()
		WHERE id = $1 AND owner_id = $2 AND ($7::int IS NULL OR version = $7)
		RETURNING `+collectionColumns, id, userID, in.Name, in.Description, vis, newSlug(in.Name), ifVersion)
	c, err := one[Collection](rows, err, "updating collection")
	if errors.Is(err, ErrNotFound) {
		return nil, ownedVersionCheck(ctx, db, "collections", id, userID)
	}
	return c, err
}

// DeleteCollection deletes userID's collection (not its scores).
func DeleteCollection(ctx context.Context, db DB, userID, id uuid.UUID, ifVersion *int) error {
	tag, err := db.Exec(ctx, `DELETE FROM collections WHERE id = $1 AND owner_id = $2 AND ($3::int IS NULL OR version = $3)`,
		id, userID, ifVersion)
	if err != nil {
		return fmt.Errorf("error deleting collection: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ownedVersionCheck(ctx, db, "collections", id, userID)
	}
	return nil
}

// ownedVersionCheck tells ErrVersionConflict (the row is there) from ErrNotFound, for tables
// whose owner column is owner_id.
func ownedVersionCheck(ctx context.Context, db DB, table string, id, userID uuid.UUID) error {
	var exists bool
	if err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+" WHERE id = $1 AND owner_id = $2)", id, userID).Scan(&exists); err != nil {
		return fmt.Errorf("error checking version: %w", err)
	}
	if exists {
		return ErrVersionConflict
	}
	return ErrNotFound
}

var collectionSorts = map[string]sortSpec{
	"-created_at": {column: "created_at", cast: "timestamptz", desc: true, value: func(r any) string { return r.(*Collection).CreatedAt.Format(time.RFC3339Nano) }},
}

// ListCollections returns a page of userID's collections, newest first.
func ListCollections(ctx context.Context, db DB, userID uuid.UUID, limit int, cursor string) (*Page[Collection], error) {
	q := &listQuery{}
	q.add("owner_id = ?", userID)
	return page(ctx, db, `SELECT `+collectionColumns+` FROM collections`, q, collectionSorts, "-created_at", cursor, limit,
		byName[Collection], func(c *Collection) uuid.UUID { return c.ID })
}

// lockCollection locks userID's collection for a change of its scores.
func lockCollection(ctx context.Context, tx pgx.Tx, userID, id uuid.UUID) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM collections WHERE id = $1 AND owner_id = $2 FOR UPDATE`, id, userID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("error reading collection: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE collections SET version = version + 1, updated_at = now() WHERE id = $1`, id)
	return err
}

// ErrScoreNotVisible is returned when the score to add is not one the user may see.
var ErrScoreNotVisible = errors.New("score not visible")

// AddToCollection appends a score the user may see to their collection (adding it again
// changes nothing).
func AddToCollection(ctx context.Context, tx pgx.Tx, userID, id, scoreID uuid.UUID) error {
	if err := lockCollection(ctx, tx, userID, id); err != nil {
		return err
	}
	if _, err := GetScore(ctx, tx, userID, scoreID); errors.Is(err, ErrNotFound) {
		return ErrScoreNotVisible
	} else if err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO collection_scores (collection_id, score_id, position)
		VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM collection_scores WHERE collection_id = $1))
		ON CONFLICT DO NOTHING`, id, scoreID)
	if err != nil {
		return fmt.Errorf("error adding to collection: %w", err)
	}
	return nil
}

// RemoveFromCollection takes a score out of userID's collection.
func RemoveFromCollection(ctx context.Context, tx pgx.Tx, userID, id, scoreID uuid.UUID) error {
	if err := lockCollection(ctx, tx, userID, id); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM collection_scores WHERE collection_id = $1 AND score_id = $2`, id, scoreID)
	if err != nil {
		return fmt.Errorf("error removing from collection: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// ErrNotAPermutation is returned for a reorder that does not name each of the collection's scores once.
var ErrNotAPermutation = errors.New("the order must name each score of the collection exactly once")

// ReorderCollection puts the collection's scores in the given order, which must name each of
// them once.
func ReorderCollection(ctx context.Context, tx pgx.Tx, userID, id uuid.UUID, order []uuid.UUID) error {
	if err := lockCollection(ctx, tx, userID, id); err != nil {
		return err
	}
	seen := make(map[uuid.UUID]bool, len(order))
	for _, s := range order {
		if seen[s] {
			return ErrNotAPermutation
		}
		seen[s] = true
	}
	// The order names the scores the owner can see; scores of others made private since they
	// were added keep their relative order, after them.
	var visible, named int
	if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE cs.score_id = ANY($2))
		FROM collection_scores cs JOIN scores s ON s.id = cs.score_id JOIN collections ON collections.id = cs.collection_id
		WHERE cs.collection_id = $1 AND `+visibleMember, id, order).Scan(&visible, &named); err != nil {
		return fmt.Errorf("error reordering: %w", err)
	}
	if named != len(order) || visible != len(order) {
		return ErrNotAPermutation
	}
	_, err := tx.Exec(ctx, `
		WITH given AS (SELECT score_id, position FROM unnest($2::uuid[]) WITH ORDINALITY AS o(score_id, position)),
		rest AS (SELECT score_id, $3::int + row_number() OVER (ORDER BY position, added_at) AS position
			FROM collection_scores WHERE collection_id = $1 AND score_id <> ALL($2))
		UPDATE collection_scores cs SET position = n.position
		FROM (SELECT * FROM given UNION ALL SELECT * FROM rest) n
		WHERE cs.collection_id = $1 AND cs.score_id = n.score_id`, id, order, len(order))
	if err != nil {
		return fmt.Errorf("error reordering: %w", err)
	}
	return nil
}

// CollectionScores returns the collection's scores in order, those viewerID may see (for a
// public collection seen by anyone: the public and unlisted ready ones).
func CollectionScores(ctx context.Context, db DB, viewerID *uuid.UUID, id uuid.UUID) ([]Score, error) {
	rows, err := db.Query(ctx, `SELECT `+prefixed("s.", scoreColumns)+` FROM collection_scores cs JOIN scores s ON s.id = cs.score_id
		WHERE cs.collection_id = $1 AND (s.owner_id = $2 OR (s.visibility IN ('public', 'unlisted') AND s.status = 'ready'))
		ORDER BY cs.position, cs.added_at`, id, viewerID)
	if err != nil {
		return nil, fmt.Errorf("error listing collection: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Score])
}

// PublicCollection returns the public collection with this slug.
func PublicCollection(ctx context.Context, db DB, slug string) (*Collection, error) {
	rows, err := db.Query(ctx, `SELECT `+collectionColumns+` FROM collections WHERE slug = $1 AND visibility = 'public'`, slug)
	return one[Collection](rows, err, "reading collection")
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// SetFavorite marks (or unmarks) a score the user may see as a favourite; idempotent.
func SetFavorite(ctx context.Context, db DB, userID, scoreID uuid.UUID, on bool) error {
	if on {
		if _, err := GetScore(ctx, db, userID, scoreID); err != nil {
			return err
		}
		_, err := db.Exec(ctx, `INSERT INTO favorites (user_id, score_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, scoreID)
		if err != nil {
			return fmt.Errorf("error adding favourite: %w", err)
		}
		return nil
	}
	tag, err := db.Exec(ctx, `DELETE FROM favorites WHERE user_id = $1 AND score_id = $2`, userID, scoreID)
	if err != nil {
		return fmt.Errorf("error removing favourite: %w", err)
	}
	if tag.RowsAffected() == 0 {
		// Not a favourite: done, if it is a score the user may see at all.
		_, err := GetScore(ctx, db, userID, scoreID)
		return err
	}
	return nil
}

// Favorites returns the user's favourite scores that they may still see, newest first.
func Favorites(ctx context.Context, db DB, userID uuid.UUID) ([]Score, error) {
	rows, err := db.Query(ctx, `SELECT `+prefixed("s.", scoreColumns)+` FROM favorites f JOIN scores s ON s.id = f.score_id
		WHERE f.user_id = $1 AND (s.owner_id = $1 OR s.visibility IN ('public', 'unlisted'))
		ORDER BY f.created_at DESC, s.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("error listing favourites: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Score])
}

// ScoreFollowers locks the owner's scores ids (every one of the owner's scores when ids is
// nil) and returns the users who have one of them as a favourite or in a collection: those
// whose favourites and collections change, by cascade, when the scores are deleted. Call it
// in the deleting transaction, before the delete: the lock makes anyone adding a favourite
// or a collection entry of them meanwhile wait (and then fail), so the list is exact.
func ScoreFollowers(ctx context.Context, tx pgx.Tx, ownerID uuid.UUID, ids []uuid.UUID) ([]uuid.UUID, error) {
	// Two statements: the second's snapshot sees the entries committed by those the lock waited for.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM scores WHERE owner_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2))
		ORDER BY id FOR UPDATE`, ownerID, ids); err != nil {
		return nil, fmt.Errorf("error locking scores: %w", err)
	}
	rows, err := tx.Query(ctx, `WITH s AS (SELECT id FROM scores WHERE owner_id = $1 AND ($2::uuid[] IS NULL OR id = ANY($2)))
		SELECT f.user_id FROM favorites f JOIN s ON s.id = f.score_id
		UNION
		SELECT c.owner_id FROM collection_scores cs JOIN s ON s.id = cs.score_id JOIN collections c ON c.id = cs.collection_id`,
		ownerID, ids)
	if err != nil {
		return nil, fmt.Errorf("error listing a score's followers: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
