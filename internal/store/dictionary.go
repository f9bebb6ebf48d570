package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// Definition is an entry's structured definition, written in the entry's language.
type Definition struct {
	Concise       string        `json:"concise"`  // at most 200 characters
	Detailed      string        `json:"detailed"` // a paragraph or two
	Etymology     string        `json:"etymology"`
	Pronunciation Pronunciation `json:"pronunciation"`
	Example       string        `json:"example"`
	Related       []string      `json:"related"`
	References    []string      `json:"references"`
	// Translation is the term's usual name in the entry's language ("渐强" for crescendo in
	// zh-CN), when it has one other than the term itself.
	Translation string `json:"translation,omitempty"`
}

// Pronunciation is how a term is said: IPA and syllables ("al-LE-gro").
type Pronunciation struct {
	IPA       string `json:"ipa"`
	Syllables string `json:"syllables"`
}

// DictionaryEntry is one term in one language.
type DictionaryEntry struct {
	ID            uuid.UUID  `json:"id" db:"id"`
	Term          string     `json:"term" db:"term"`
	Lang          string     `json:"lang" db:"lang"`
	SourceLang    *string    `json:"source_lang" db:"source_lang"`
	Type          string     `json:"type" db:"type"`
	Definition    Definition `json:"definition" db:"definition"`
	Origin        string     `json:"origin" db:"origin"`
	QualityScore  *float64   `json:"quality_score" db:"quality_score"`
	QualityIssues []string   `json:"quality_issues" db:"quality_issues"`
	Status        string     `json:"status" db:"status"` // published, or review (kept for an editor)
	Version       int        `json:"version" db:"version"`
	UpdatedAt     time.Time  `json:"updated_at" db:"updated_at"`
}

// entryColumns are DictionaryEntry's columns.
const entryColumns = `id, term, lang, source_lang, type, definition, origin, quality_score, quality_issues,
	status, version, updated_at`

// NewDictionaryEntry is an entry to record.
type NewDictionaryEntry struct {
	Term, TermKey, Lang, SourceLang, Type, Origin string
	Definition                                    Definition
	Quality                                       float64
	Issues                                        []string
	Status                                        string // "" means published
}

func (e *NewDictionaryEntry) defaults() {
	if e.Status == "" {
		e.Status = "published"
	}
	if e.Issues == nil {
		e.Issues = []string{}
	}
	if e.Definition.Related == nil {
		e.Definition.Related = []string{}
	}
	if e.Definition.References == nil {
		e.Definition.References = []string{}
	}
}

// UpsertDictionaryEntry records an entry, or replaces the definition of the entry for the
// same term and language (its version goes up; the old one stays in its history), and
// returns its id.
func UpsertDictionaryEntry(ctx context.Context, db DB, e NewDictionaryEntry) (uuid.UUID, error) {
	e.defaults()
	var id uuid.UUID
	err := db.QueryRow(ctx, `
		INSERT INTO dictionary_entries (term, term_key, lang, source_lang, type, definition, origin,
			quality_score, quality_issues, status)
		VALUES ($1, $2, $3, nullif($4, ''), $5, $6, $7, $8, $9, $10)
		ON CONFLICT (term_key, lang) DO UPDATE SET term = EXCLUDED.term, source_lang = EXCLUDED.source_lang,
			type = EXCLUDED.type, definition = EXCLUDED.definition, origin = EXCLUDED.origin,
			quality_score = EXCLUDED.quality_score, quality_issues = EXCLUDED.quality_issues, status = EXCLUDED.status,
			version = dictionary_entries.version + 1, updated_at = now()
		RETURNING id`, e.Term, e.TermKey, e.Lang, e.SourceLang, e.Type, e.Definition, e.Origin,
		e.Quality, e.Issues, e.Status).Scan(&id)
	if err != nil {
		return uuid.Nil, fmt.Errorf("error recording dictionary entry: %w", err)
	}
	return id, nil
}

// modelName: the model names we put into SQL text (index names and predicates must be
// literals for the planner to match a query to its model's index).
var modelName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$`)

// EmbeddingModel is an embedding model's name and vector size.
type EmbeddingModel struct {
	Name string
	Dims int
}

func (m EmbeddingModel) check() error {
	if !modelName.MatchString(m.Name) || m.Dims < 1 || m.Dims > 16000 {
		return fmt.Errorf("bad embedding model %q with %d dimensions", m.Name, m.Dims)
	}
	return nil
}

// indexName is the model's HNSW index: a name PostgreSQL accepts whatever the model is called.
func (m EmbeddingModel) indexName() string {
	sum := sha256.Sum256([]byte(m.Name + "/" + strconv.Itoa(m.Dims)))
	return "dictionary_embeddings_hnsw_" + hex.EncodeToString(sum[:6])
}

// column is the embedding cast to the model's size, the expression its index is built on.
func (m EmbeddingModel) column() string { return "(embedding::vector(" + strconv.Itoa(m.Dims) + "))" }

// predicate limits rows to the model's (m.Name is checked against modelName: no quote).
func (m EmbeddingModel) predicate() string { return "model = '" + m.Name + "'" }

// EnsureEmbeddingIndex creates the model's HNSW index (cosine distance) if it is missing.
// Building it takes a while on a large table; run it from a job, not a request.
func EnsureEmbeddingIndex(ctx context.Context, db DB, m EmbeddingModel) error {
	if err := m.check(); err != nil {
		return err
	}
	_, err := db.Exec(ctx, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON dictionary_embeddings
		USING hnsw (%s vector_cosine_ops) WHERE %s`, pgx.Identifier{m.indexName()}.Sanitize(), m.column(), m.predicate()))
	if err != nil {
		return fmt.Errorf("error creating the index of embedding model %s: %w", m.Name, err)
	}
	return nil
}

// PutEmbedding stores an entry's vector for a model (replacing an older one).
func PutEmbedding(ctx context.Context, db DB, entryID uuid.UUID, m EmbeddingModel, vec []float32) error {
	if err := m.check(); err != nil {
		return err
	}
	if len(vec) != m.Dims {
		return fmt.Errorf("a vector of %d numbers for model %s of %d dimensions", len(vec), m.Name, m.Dims)
	}
	_, err := db.Exec(ctx, `INSERT INTO dictionary_embeddings (entry_id, model, dims, embedding) VALUES ($1, $2, $3, $4)
		ON CONFLICT (entry_id, model) DO UPDATE SET dims = EXCLUDED.dims, embedding = EXCLUDED.embedding, created_at = now()`,
		entryID, m.Name, m.Dims, pgvector.NewVector(vec))
	if err != nil {
		return fmt.Errorf("error storing embedding: %w", err)
	}
	return nil
}

// Neighbour is an entry near a query vector.
type Neighbour struct {
	EntryID  uuid.UUID `json:"entry_id"`
	Term     string    `json:"term"`
	Lang     string    `json:"lang"`
	Distance float64   `json:"distance"` // cosine distance: 0 same direction, 2 opposite
}

// nearestSQL is the nearest-neighbour query of model m; lang filters when not empty.
func nearestSQL(m EmbeddingModel) string {
	return fmt.Sprintf(`SELECT d.entry_id, e.term, e.lang, %[1]s <=> $1::vector(%[2]d) AS distance
		FROM dictionary_embeddings d JOIN dictionary_entries e ON e.id = d.entry_id
		WHERE d.%[3]s AND ($2 = '' OR e.lang = $2)
		ORDER BY %[1]s <=> $1::vector(%[2]d) LIMIT $3`, strings.Replace(m.column(), "embedding", "d.embedding", 1), m.Dims, m.predicate())
}

// EFSearch is HNSW's candidate list size for dictionary searches (pgvector's default is 40):
// at 100,000 vectors of 768 dimensions, 200 gives recall@10 ≥ 0.95 well within 15 ms
// (docs/performance.md).
const EFSearch = 200

// Nearest returns the k entries nearest to vec among model m's vectors, through the model's
// HNSW index (approximate, with EFSearch candidates).
func Nearest(ctx context.Context, db DB, m EmbeddingModel, vec []float32, lang string, k int) ([]Neighbour, error) {
	return NearestEF(ctx, db, m, vec, lang, k, EFSearch)
}

// NearestEF is Nearest with ef candidates (benchmarks compare settings).
func NearestEF(ctx context.Context, db DB, m EmbeddingModel, vec []float32, lang string, k, ef int) ([]Neighbour, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if len(vec) != m.Dims {
		return nil, fmt.Errorf("a query of %d numbers for model %s of %d dimensions", len(vec), m.Name, m.Dims)
	}
	var out []Neighbour
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL hnsw.ef_search = "+strconv.Itoa(ef)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, nearestSQL(m), pgvector.NewVector(vec), lang, k)
		if err != nil {
			return err
		}
		var n Neighbour
		_, err = pgx.ForEachRow(rows, []any{&n.EntryID, &n.Term, &n.Lang, &n.Distance}, func() error {
			out = append(out, n)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error searching by meaning: %w", err)
	}
	return out, nil
}

// ExplainNearest returns PostgreSQL's plan for Nearest (for tests and operators: it shows
// whether the model's index is used).
func ExplainNearest(ctx context.Context, db DB, m EmbeddingModel, vec []float32, lang string, k int) (string, error) {
	if err := m.check(); err != nil {
		return "", err
	}
	rows, err := db.Query(ctx, "EXPLAIN "+nearestSQL(m), pgvector.NewVector(vec), lang, k)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// SeedDictionaryEntry records a glossary entry: new, or changed where the glossary's text
// (or its quality score) changed and the entry is still the glossary's (an editor's or the
// AI's entry is kept). It returns 1 when a row was written.
func SeedDictionaryEntry(ctx context.Context, db DB, e NewDictionaryEntry) (int, error) {
	e.defaults()
	tag, err := db.Exec(ctx, `
		INSERT INTO dictionary_entries (term, term_key, lang, source_lang, type, definition, origin,
			quality_score, quality_issues, status)
		VALUES ($1, $2, $3, nullif($4, ''), $5, $6, 'glossary', $7, $8, $9)
		ON CONFLICT (term_key, lang) DO UPDATE SET term = EXCLUDED.term, source_lang = EXCLUDED.source_lang,
			type = EXCLUDED.type, definition = EXCLUDED.definition, quality_score = EXCLUDED.quality_score,
			quality_issues = EXCLUDED.quality_issues, status = EXCLUDED.status,
			version = dictionary_entries.version + 1, updated_at = now()
		WHERE dictionary_entries.origin = 'glossary'
			AND (dictionary_entries.definition, dictionary_entries.type, dictionary_entries.term, dictionary_entries.quality_score)
				IS DISTINCT FROM (EXCLUDED.definition, EXCLUDED.type, EXCLUDED.term, EXCLUDED.quality_score)`,
		e.Term, e.TermKey, e.Lang, e.SourceLang, e.Type, e.Definition, e.Quality, e.Issues, e.Status)
	if err != nil {
		return 0, fmt.Errorf("error seeding dictionary entry %q: %w", e.Term, err)
	}
	return int(tag.RowsAffected()), nil
}

// DictionaryEntryByTerm returns the entry of a term (any spelling with the same key) in a
// language.
func DictionaryEntryByTerm(ctx context.Context, db DB, termKey, lang string) (*DictionaryEntry, error) {
	rows, err := db.Query(ctx, `SELECT `+entryColumns+` FROM dictionary_entries WHERE term_key = $1 AND lang = $2`, termKey, lang)
	return one[DictionaryEntry](rows, err, "reading dictionary entry")
}

// DictionaryEntriesByTerm returns a term's entries in every language it has one in.
func DictionaryEntriesByTerm(ctx context.Context, db DB, termKey string) ([]DictionaryEntry, error) {
	rows, err := db.Query(ctx, `SELECT `+entryColumns+` FROM dictionary_entries WHERE term_key = $1 ORDER BY lang`, termKey)
	if err != nil {
		return nil, fmt.Errorf("error reading dictionary entries: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[DictionaryEntry])
}

// EntriesWithoutEmbedding returns the ids of entries that have no vector of model and that
// no unfinished embedding job of model covers.
func EntriesWithoutEmbedding(ctx context.Context, db DB, model string) ([]uuid.UUID, error) {
	rows, err := db.Query(ctx, `
		SELECT e.id FROM dictionary_entries e
		WHERE NOT EXISTS (SELECT 1 FROM dictionary_embeddings d WHERE d.entry_id = e.id AND d.model = $1)
			AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'dictionary_embed' AND j.args->>'model' = $1
				AND j.state IN ('available', 'scheduled', 'retryable', 'running', 'pending')
				AND j.args->'entry_ids' ? e.id::text)
		ORDER BY e.id`, model)
	if err != nil {
		return nil, fmt.Errorf("error finding entries to embed: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// DictionaryEntriesByID returns the entries with these ids (those still there).
func DictionaryEntriesByID(ctx context.Context, db DB, ids []uuid.UUID) ([]DictionaryEntry, error) {
	rows, err := db.Query(ctx, `SELECT `+entryColumns+` FROM dictionary_entries WHERE id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("error reading dictionary entries: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[DictionaryEntry])
}

// TermHit is an entry found by a term search, with its rank in each list it came from.
type TermHit struct {
	EntryID uuid.UUID `json:"entry_id"`
	Term    string    `json:"term"`
	Lang    string    `json:"lang"`
	Type    string    `json:"type"`
	Concise string    `json:"concise"`
}

// LexicalTerms finds entries of a language by words (full text in the language's text
// search configuration, accent-insensitive, over the names, the concise and the detailed
// definition) or by their names (trigram similarity, or containing the query: a misspelling,
// a part of a name, a Chinese name), best first. Both conditions use their GIN index.
func LexicalTerms(ctx context.Context, db DB, q, lang, typ string, limit int) ([]TermHit, error) {
	rows, err := db.Query(ctx, `
		WITH q AS (SELECT websearch_to_tsquery(dictionary_ts_config($2), unaccent($1)) AS ts, lower(unaccent($1)) AS plain)
		SELECT e.id, e.term, e.lang, e.type, coalesce(e.definition->>'concise', '') AS concise
		FROM dictionary_entries e, q
		WHERE e.lang = $2 AND ($3 = '' OR e.type = $3)
			AND (e.search @@ q.ts OR e.names % q.plain OR e.names LIKE '%' || replace(replace(replace(q.plain, '\', '\\'), '%', '\%'), '_', '\_') || '%')
		ORDER BY ts_rank(e.search, q.ts) + similarity(e.names, q.plain) DESC, e.term
		LIMIT $4`, q, lang, typ, limit)
	if err != nil {
		return nil, fmt.Errorf("error searching terms: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[TermHit])
}

// SemanticTerms finds the entries of a language nearest to vec among model m's vectors.
func SemanticTerms(ctx context.Context, db DB, m EmbeddingModel, vec []float32, lang, typ string, limit int) ([]TermHit, error) {
	near, err := Nearest(ctx, db, m, vec, lang, limit*2)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(near))
	for i, n := range near {
		ids[i] = n.EntryID
	}
	entries, err := DictionaryEntriesByID(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]DictionaryEntry, len(entries))
	for _, e := range entries {
		byID[e.ID] = e
	}
	out := make([]TermHit, 0, limit)
	for _, n := range near {
		e, ok := byID[n.EntryID]
		if !ok || (typ != "" && e.Type != typ) {
			continue
		}
		out = append(out, TermHit{EntryID: e.ID, Term: e.Term, Lang: e.Lang, Type: e.Type, Concise: e.Definition.Concise})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// FuseRanks merges ranked lists by reciprocal rank fusion (k = 60): an entry ranked high in
// either list, or fairly high in both, comes first.
func FuseRanks(limit int, lists ...[]TermHit) []TermHit {
	score := map[uuid.UUID]float64{}
	hit := map[uuid.UUID]TermHit{}
	var order []uuid.UUID
	for _, list := range lists {
		for rank, h := range list {
			if _, seen := hit[h.EntryID]; !seen {
				order = append(order, h.EntryID)
				hit[h.EntryID] = h
			}
			score[h.EntryID] += 1 / (60 + float64(rank+1))
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	out := make([]TermHit, 0, min(limit, len(order)))
	for _, id := range order[:min(limit, len(order))] {
		out = append(out, hit[id])
	}
	return out
}
