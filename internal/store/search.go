package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SearchQuery is a search over the scores a user may see: their own and everyone's public,
// ready ones.
type SearchQuery struct {
	Text        string // words, accent-insensitive; "" lists everything (newest first)
	Composer    string // fuzzy: a misspelled name still matches
	Instrument  string // a word of the instrumentation
	Period      string
	Difficulty  *int
	Limit       int // 1–100
	Offset      int
	WithFacets  bool
	OwnScoresOn bool // only the viewer's own scores
}

// SearchHit is one score found.
type SearchHit struct {
	Score
	Rank float64 `json:"rank"`
}

// FacetCount is how many hits share one value.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// SearchResult is a page of hits, the total, and the facets of all hits.
type SearchResult struct {
	Hits   []SearchHit             `json:"hits"`
	Total  int                     `json:"total"`
	Facets map[string][]FacetCount `json:"facets,omitempty"`
}

// composerSimilarity is the trigram similarity from which a composer name counts as
// matching a (misspelled) query: "Shostakovitch" finds "Dmitri Shostakovich".
const composerSimilarity = 0.3

// Search finds scores. Words match the title, composer, opus, instrumentation and the
// pages' text (title, composer and opus weigh most); a query that matches no words still
// finds scores whose composer is a near miss of it.
func Search(ctx context.Context, db DB, viewerID uuid.UUID, q SearchQuery) (*SearchResult, error) {
	lq := &listQuery{}
	if q.OwnScoresOn {
		lq.add("owner_id = ?", viewerID)
	} else {
		lq.add("(owner_id = ? OR (visibility = 'public' AND status = 'ready'))", viewerID)
	}
	rank := "0::float8"
	if text := strings.TrimSpace(q.Text); text != "" {
		lq.args = append(lq.args, text)
		n := len(lq.args)
		lq.where = append(lq.where, fmt.Sprintf(`(search @@ websearch_to_tsquery('simple', unaccent($%[1]d))
			OR word_similarity(unaccent($%[1]d), unaccent(composer)) >= %[2]g)`, n, composerSimilarity))
		rank = fmt.Sprintf(`(ts_rank(search, websearch_to_tsquery('simple', unaccent($%[1]d)))
			+ word_similarity(unaccent($%[1]d), unaccent(composer)) * 0.5)::float8`, n)
	}
	if q.Composer != "" {
		lq.args = append(lq.args, q.Composer)
		lq.where = append(lq.where, fmt.Sprintf(`(unaccent(composer) ILIKE '%%' || unaccent($%[1]d) || '%%'
			OR word_similarity(unaccent($%[1]d), unaccent(composer)) >= %[2]g)`, len(lq.args), composerSimilarity))
	}
	if q.Instrument != "" {
		lq.add("instrumentation ILIKE '%' || ? || '%'", likeEscape(q.Instrument))
	}
	if q.Period != "" {
		lq.add("lower(period) = lower(?)", q.Period)
	}
	if q.Difficulty != nil {
		lq.add("difficulty = ?", *q.Difficulty)
	}
	where := strings.Join(lq.where, " AND ")
	args := append([]any(nil), lq.args...)
	args = append(args, q.Limit, q.Offset)
	sql := fmt.Sprintf(`SELECT %s, %s AS rank, count(*) OVER () AS total FROM scores WHERE %s
		ORDER BY rank DESC, created_at DESC, id DESC LIMIT $%d OFFSET $%d`,
		scoreColumns, rank, where, len(args)-1, len(args))
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("error searching: %w", err)
	}
	type row struct {
		SearchHit
		Total int `db:"total"`
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, fmt.Errorf("error searching: %w", err)
	}
	res := &SearchResult{Hits: make([]SearchHit, 0, len(found))}
	for _, r := range found {
		res.Hits = append(res.Hits, r.SearchHit)
		res.Total = r.Total
	}
	if len(found) == 0 && q.Offset > 0 {
		// Past the end: the total still counts.
		if err := db.QueryRow(ctx, "SELECT count(*) FROM scores WHERE "+where, lq.args...).Scan(&res.Total); err != nil {
			return nil, fmt.Errorf("error searching: %w", err)
		}
	}
	if q.WithFacets {
		if res.Facets, err = facets(ctx, db, where, lq.args); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// facets counts the hits by composer, instrumentation, period and difficulty (at most 20
// values each, the most frequent first).
func facets(ctx context.Context, db DB, where string, args []any) (map[string][]FacetCount, error) {
	rows, err := db.Query(ctx, `
		WITH hits AS (SELECT composer, instrumentation, period, difficulty FROM scores WHERE `+where+`),
		counted AS (
			SELECT 'composer' AS facet, composer AS value, count(*) AS n FROM hits WHERE composer <> '' GROUP BY composer
			UNION ALL SELECT 'instrumentation', instrumentation, count(*) FROM hits WHERE instrumentation <> '' GROUP BY instrumentation
			UNION ALL SELECT 'period', period, count(*) FROM hits WHERE period <> '' GROUP BY period
			UNION ALL SELECT 'difficulty', difficulty::text, count(*) FROM hits WHERE difficulty IS NOT NULL GROUP BY difficulty
		)
		SELECT facet, value, n FROM (
			SELECT *, row_number() OVER (PARTITION BY facet ORDER BY n DESC, value) AS i FROM counted
		) ranked WHERE i <= 20 ORDER BY facet, n DESC, value`, args...)
	if err != nil {
		return nil, fmt.Errorf("error counting facets: %w", err)
	}
	out := map[string][]FacetCount{"composer": {}, "instrumentation": {}, "period": {}, "difficulty": {}}
	var facet, value string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&facet, &value, &n}, func() error {
		out[facet] = append(out[facet], FacetCount{Value: value, Count: n})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error counting facets: %w", err)
	}
	return out, nil
}

// ComposerCount is a composer and how many scores the viewer can see of theirs.
type ComposerCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Composers lists the composers of the scores viewerID may see, with counts, the most
// frequent first; with q, those whose name is like q (accents and small misspellings
// forgiven).
func Composers(ctx context.Context, db DB, viewerID uuid.UUID, q string, limit int) ([]ComposerCount, error) {
	rows, err := db.Query(ctx, `
		SELECT composer, count(*) FROM scores
		WHERE composer <> '' AND (owner_id = $1 OR (visibility = 'public' AND status = 'ready'))
			AND ($2 = '' OR unaccent(composer) ILIKE '%' || unaccent($2) || '%'
				OR word_similarity(unaccent($2), unaccent(composer)) >= $3)
		GROUP BY composer ORDER BY count(*) DESC, composer LIMIT $4`, viewerID, q, composerSimilarity, limit)
	if err != nil {
		return nil, fmt.Errorf("error listing composers: %w", err)
	}
	out := []ComposerCount{}
	var c ComposerCount
	_, err = pgx.ForEachRow(rows, []any{&c.Name, &c.Count}, func() error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error listing composers: %w", err)
	}
	return out, nil
}
