package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/textfold"
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
	// Canonical groups the names of one composer in the composer filter and facet; nil
	// groups names as stored.
	Canonical ComposerName
}

// ComposerName returns the one name a stored composer name stands for ("Chopin, Frédéric",
// "F. Chopin" → "Frédéric Chopin"). The caller gives it: the rule is metadata's
// (metadata.ComposerNames.Canonical), applied here to names as they were stored (extracted,
// corrected by an owner, given by an importer).
type ComposerName func(string) string

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
		// Every name the composer is stored under, and names like the one asked for.
		var same []string
		if q.Canonical != nil {
			var err error
			// The scope, the first condition, takes the first argument (the viewer).
			if same, err = sameComposer(ctx, db, lq.where[0], lq.args[:1], q.Canonical, q.Composer); err != nil {
				return nil, err
			}
		}
		lq.args = append(lq.args, q.Composer, same)
		lq.where = append(lq.where, fmt.Sprintf(`(unaccent(composer) ILIKE '%%' || unaccent($%[1]d) || '%%'
			OR word_similarity(unaccent($%[1]d), unaccent(composer)) >= %[2]g OR composer = ANY($%[3]d))`,
			len(lq.args)-1, composerSimilarity, len(lq.args)))
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
		if res.Facets, err = facets(ctx, db, where, lq.args, q.Canonical); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// sameComposer returns the composer names, among those of the scores scope lets the viewer
// see, that stand for the same composer as name.
func sameComposer(ctx context.Context, db DB, scope string, args []any, canonical ComposerName, name string) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT composer FROM scores WHERE composer <> '' AND `+scope, args...)
	if err != nil {
		return nil, fmt.Errorf("error listing composers: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("error listing composers: %w", err)
	}
	canon := orStored(canonical)
	want := canon(name)
	same := []string{}
	for _, n := range names {
		if canon(n) == want {
			same = append(same, n)
		}
	}
	return same, nil
}

// orStored is canonical, or the name as stored when canonical is nil or has none.
func orStored(canonical ComposerName) ComposerName {
	return func(s string) string {
		if canonical != nil {
			if c := canonical(s); c != "" {
				return c
			}
		}
		return s
	}
}

// groupComposers adds up the counts of names that stand for one composer, under the one
// name, the most frequent first; at most limit (0: all).
func groupComposers(counts []FacetCount, canonical ComposerName, limit int) []FacetCount {
	canon := orStored(canonical)
	index := map[string]int{}
	out := []FacetCount{}
	for _, c := range counts {
		name := canon(c.Value)
		if i, ok := index[name]; ok {
			out[i].Count += c.Count
			continue
		}
		index[name] = len(out)
		out = append(out, FacetCount{Value: name, Count: c.Count})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// facets counts the hits by composer, instrumentation, period and difficulty (at most 20
// values each, the most frequent first); the names of one composer count as one.
func facets(ctx context.Context, db DB, where string, args []any, canonical ComposerName) (map[string][]FacetCount, error) {
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
		) ranked WHERE i <= 20 OR facet = 'composer' ORDER BY facet, n DESC, value`, args...)
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
	out["composer"] = groupComposers(out["composer"], canonical, 20)
	return out, nil
}

// ComposerCount is a composer and how many scores the viewer can see of theirs.
type ComposerCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Composers lists the composers of the scores viewerID may see, with counts, the most
// frequent first; with q, those whose name is like q (accents and small misspellings
// forgiven). The names canonical tells are one composer's are counted as one, under the
// name it gives (nil: names as stored).
func Composers(ctx context.Context, db DB, viewerID uuid.UUID, q string, limit int, canonical ComposerName) ([]ComposerCount, error) {
	rows, err := db.Query(ctx, `
		SELECT composer, count(*)::int, bool_or($2 = '' OR unaccent(composer) ILIKE '%' || unaccent($2) || '%'
			OR word_similarity(unaccent($2), unaccent(composer)) >= $3) FROM scores
		WHERE composer <> '' AND (owner_id = $1 OR (visibility = 'public' AND status = 'ready'))
		GROUP BY composer ORDER BY count(*) DESC, composer`, viewerID, q, composerSimilarity)
	if err != nil {
		return nil, fmt.Errorf("error listing composers: %w", err)
	}
	var all []FacetCount
	matched := map[string]bool{}
	var name string
	var n int
	var like bool
	_, err = pgx.ForEachRow(rows, []any{&name, &n, &like}, func() error {
		all = append(all, FacetCount{Value: name, Count: n})
		if like {
			matched[name] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error listing composers: %w", err)
	}
	canon := orStored(canonical)
	// A composer is listed when one of their names is like q, or the name they are listed
	// under contains it.
	keep := map[string]bool{}
	folded := strings.ToLower(textfold.Plain(q))
	for _, c := range all {
		g := canon(c.Value)
		if matched[c.Value] || strings.Contains(strings.ToLower(textfold.Plain(g)), folded) {
			keep[g] = true
		}
	}
	out := []ComposerCount{}
	for _, c := range groupComposers(all, canonical, 0) {
		if keep[c.Value] {
			out = append(out, ComposerCount{Name: c.Value, Count: c.Count})
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}
