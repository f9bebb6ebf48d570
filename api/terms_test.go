package api_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/dictionary"
)

// seedDictionary loads the glossary into the bundle's database, as `mirubato migrate` does.
func seedDictionary(t *testing.T, b *testBundle) *glossary.Glossary {
	t.Helper()
	g, err := glossary.Load()
	require.NoError(t, err)
	_, err = dictionary.Seed(context.Background(), b.pool, g)
	require.NoError(t, err)
	return g
}

func TestTerms(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "reader@example.com")
	ctx := context.Background()
	g, err := glossary.Load()
	require.NoError(t, err)
	_, err = dictionary.Seed(ctx, b.pool, g)
	require.NoError(t, err)

	resp, data := b.call(t, "GET", "/api/languages", "", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"languages":["en","es","fr","de","zh-CN","zh-TW"]}`, string(data))

	resp, data = b.call(t, "GET", "/api/terms/%C3%89tude", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	entry := decodeAs[store.DictionaryEntry](t, data)
	require.Equal(t, "genre", entry.Type)
	require.NotEmpty(t, entry.Definition.Concise)

	resp, data = b.call(t, "GET", "/api/terms/allegro?lang=fr", tok, nil, nil)
	eb := requireError(t, resp, data, http.StatusNotFound, "not_found")
	require.Contains(t, eb.Error.Message, "generate=true")
	resp, data = b.call(t, "GET", "/api/terms/allegro?lang=fr&generate=true", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	req := decodeAs[definitionRequestBody](t, data)
	resp, data = b.call(t, "GET", "/api/terms/Allegro?lang=fr&generate=true", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	require.Equal(t, req.JobID, decodeAs[definitionRequestBody](t, data).JobID, "one job per term and language")
	resp, data = b.call(t, "GET", req.StatusURL, tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, "available", decodeAs[definitionRequestBody](t, data).State)

	for _, bad := range []string{"/api/terms/allegro?lang=xx", "/api/terms/allegro?generate=maybe"} {
		resp, data = b.call(t, "GET", bad, tok, nil, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	}
	resp, data = b.call(t, "GET", "/api/terms/a%00b", tok, nil, nil) // text PostgreSQL cannot store
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = b.call(t, "GET", "/api/terms/requests/999999", tok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")
}

type definitionRequestBody struct {
	JobID     int64  `json:"job_id"`
	State     string `json:"state"`
	StatusURL string `json:"status_url"`
}

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, tok := b.user(t, "searcher@example.com")
	ctx := context.Background()
	g, err := glossary.Load()
	require.NoError(t, err)
	_, err = dictionary.Seed(ctx, b.pool, g)
	require.NoError(t, err)
	// Embed every entry with the server's model, as the workers would.
	m := store.EmbeddingModel{Name: testEmbedder.Model(), Dims: testEmbedder.Dims()}
	require.NoError(t, store.EnsureEmbeddingIndex(ctx, b.pool, m))
	rows, err := b.pool.Query(ctx, `SELECT id FROM dictionary_entries`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(t, err)
	entries, err := store.DictionaryEntriesByID(ctx, b.pool, ids)
	require.NoError(t, err)
	for _, e := range entries {
		v, err := testEmbedder.Embed(ctx, []string{dictionary.EmbeddingText(e)})
		require.NoError(t, err)
		require.NoError(t, store.PutEmbedding(ctx, b.pool, e.ID, m, v[0]))
	}

	search := func(query string) []string {
		t.Helper()
		resp, data := b.call(t, "GET", "/api/search/terms?"+query, tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		var out []string
		for _, h := range decodeAs[struct {
			Hits []store.TermHit `json:"hits"`
		}](t, data).Hits {
			out = append(out, h.Term)
		}
		return out
	}
	require.Equal(t, "crescendo", search("q=crescendo&mode=lexical")[0])
	require.Contains(t, search("q=crecsendo&mode=lexical"), "crescendo", "a misspelled term (trigrams)")
	require.Contains(t, search("q=plucking+the+strings+with+the+fingers&mode=semantic"), "pizzicato")
	hybrid := search("q=plucking+strings&limit=5")
	require.Contains(t, hybrid, "pizzicato")
	require.LessOrEqual(t, len(hybrid), 5)
	for _, term := range search("q=slow&type=tempo&mode=lexical") {
		e, ok := g.Lookup(term)
		require.True(t, ok)
		require.Equal(t, "tempo", e.Type, term)
	}
	require.Empty(t, search("q=crescendo&lang=fr"), "no French entries yet")

	resp, data := b.call(t, "POST", "/api/search/semantic", tok, map[string]any{"query": "getting gradually louder", "limit": 5}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Contains(t, string(data), `"term":"crescendo"`)
	resp, data = b.call(t, "GET", "/api/search/terms?q=x&mode=magic", tok, nil, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	resp, data = b.call(t, "POST", "/api/search/semantic", tok, map[string]any{"query": ""}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
}

// TestHundredMisses: a hundred readers' concurrent misses for one term make one job.
func TestHundredMisses(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	var toks []string
	for i := range 4 {
		_, tok := b.user(t, fmt.Sprintf("reader%d@example.com", i))
		toks = append(toks, tok)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	jobs := map[int64]int{}
	for i := range 100 {
		wg.Go(func() {
			path := []string{"/api/terms/Sforzando?lang=de&generate=true", "/api/terms/sforzando?lang=de&generate=true"}[i%2]
			resp, data := b.call(t, "GET", path, toks[i%4], nil, nil)
			require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
			mu.Lock()
			jobs[decodeAs[definitionRequestBody](t, data).JobID]++
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Len(t, jobs, 1)
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM river_job WHERE kind = 'dictionary_define' AND args->>'term_key' = 'sforzando'`).Scan(&n))
	require.Equal(t, 1, n)
}

func TestGenerateTerms(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	seedDictionary(t, b)
	_, tok := b.user(t, "writer@example.com")
	admin, adminTok := b.user(t, "editor@example.com")
	require.NoError(t, store.SetRole(context.Background(), b.pool, admin.ID, store.RoleAdmin))

	resp, data := b.call(t, "POST", "/api/terms/generate", tok, map[string]any{"term": "Adagio", "lang": "en"}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "there already: the entry")
	require.Equal(t, "adagio", decodeAs[store.DictionaryEntry](t, data).Term)
	resp, data = b.call(t, "POST", "/api/terms/generate", tok, map[string]any{"term": "adagio", "lang": "es"}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	first := decodeAs[definitionRequestBody](t, data)
	resp, data = b.call(t, "GET", "/api/terms/ADAGIO?lang=es&generate=true", tok, nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	require.Equal(t, first.JobID, decodeAs[definitionRequestBody](t, data).JobID, "the same job")

	resp, data = b.call(t, "POST", "/api/terms/generate", tok, map[string]any{"term": "adagio", "lang": "en", "regenerate": true}, nil)
	requireError(t, resp, data, http.StatusForbidden, "forbidden")
	resp, data = b.call(t, "POST", "/api/terms/generate", adminTok, map[string]any{"term": "adagio", "lang": "en", "regenerate": true}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))

	resp, data = b.call(t, "POST", "/api/terms/generate/batch", tok, map[string]any{"items": []map[string]any{
		{"term": "largo", "lang": "en"}, {"term": "largo", "lang": "fr"}, {"term": "largo", "lang": "de"}, {"term": "Largo", "lang": "fr"},
	}}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	batch := decodeAs[struct {
		Results []struct {
			Term    string                 `json:"term"`
			Lang    string                 `json:"lang"`
			Entry   *store.DictionaryEntry `json:"entry"`
			Request *definitionRequestBody `json:"request"`
		} `json:"results"`
	}](t, data).Results
	require.Len(t, batch, 4)
	require.NotNil(t, batch[0].Entry, "English largo is in the glossary")
	require.Nil(t, batch[0].Request)
	require.NotNil(t, batch[1].Request)
	require.NotNil(t, batch[2].Request)
	require.NotEqual(t, batch[1].Request.JobID, batch[2].Request.JobID)
	require.Equal(t, batch[1].Request.JobID, batch[3].Request.JobID, "one job per term and language, within a batch too")

	for _, body := range []map[string]any{
		{"term": "largo", "lang": "it"},
		{"term": "", "lang": "en"},
		{"term": "   ", "lang": "en"},
	} {
		resp, data = b.call(t, "POST", "/api/terms/generate", tok, body, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	}
	resp, data = b.call(t, "POST", "/api/terms/generate", tok, map[string]any{"term": "a\x00b", "lang": "en"}, nil)
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	items := make([]map[string]any, 51)
	for i := range items {
		items[i] = map[string]any{"term": fmt.Sprintf("term %d", i), "lang": "en"}
	}
	resp, data = b.call(t, "POST", "/api/terms/generate/batch", tok, map[string]any{"items": items}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	var jobs int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'dictionary_define'`).Scan(&jobs))
	require.Equal(t, 4, jobs, "adagio/es, adagio/en again, largo/fr, largo/de: nothing from the refused requests")
}

func TestTranslationsAndVersions(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	seedDictionary(t, b)
	_, tok := b.user(t, "polyglot@example.com")
	ctx := context.Background()
	// A French entry written by the AI, and a second version of it.
	for i, concise := range []string{"Première version.", "Augmentation progressive de l'intensité."} {
		_, err := store.UpsertDictionaryEntry(ctx, b.pool, store.NewDictionaryEntry{Term: "crescendo", TermKey: "crescendo",
			Lang: "fr", Type: "dynamics", Origin: "ai", Definition: store.Definition{Concise: concise, Translation: "crescendo"},
			Quality: 0.5 + float64(i)*0.4})
		require.NoError(t, err)
	}
	_, err := store.UpsertDictionaryEntry(ctx, b.pool, store.NewDictionaryEntry{Term: "crescendo", TermKey: "crescendo",
		Lang: "zh-CN", Type: "dynamics", Origin: "ai", Definition: store.Definition{Concise: "音量逐渐增强。", Translation: "渐强"}, Quality: 0.9})
	require.NoError(t, err)

	resp, data := b.call(t, "GET", "/api/terms/Crescendo/translations", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	tr := decodeAs[struct {
		Term         string                  `json:"term"`
		Translations []store.DictionaryEntry `json:"translations"`
		Missing      []string                `json:"missing"`
	}](t, data)
	require.Equal(t, "crescendo", tr.Term)
	require.Len(t, tr.Translations, 3)
	require.Equal(t, []string{"es", "de", "zh-TW"}, tr.Missing)
	resp, data = b.call(t, "GET", "/api/terms/crescendo/translations?generate=true", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Len(t, decodeAs[struct {
		Requests []any `json:"requests"`
	}](t, data).Requests, 3, "a job for each missing language")

	resp, data = b.call(t, "GET", "/api/terms/crescendo/versions?lang=fr", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	versions := decodeAs[struct {
		Versions []store.EntryVersion `json:"versions"`
	}](t, data).Versions
	require.Len(t, versions, 2)
	require.Equal(t, 2, versions[0].Version)
	require.Equal(t, "Première version.", versions[1].Definition.Concise)
	require.InDelta(t, 0.5, *versions[1].QualityScore, 1e-9)
	resp, data = b.call(t, "GET", "/api/terms/crescendo/versions?lang=de", tok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// The Chinese entry is found by its Chinese name, lexically.
	resp, data = b.call(t, "GET", "/api/search/terms?q=%E6%B8%90%E5%BC%BA&lang=zh-CN&mode=lexical", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Contains(t, string(data), `"term":"crescendo"`)
	// French words by their stem ("progressive" → "progress").
	resp, data = b.call(t, "GET", "/api/search/terms?q=progressif&lang=fr&mode=lexical", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Contains(t, string(data), `"term":"crescendo"`)
}

func TestFeedbackAndReports(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	seedDictionary(t, b)
	var toks []string
	for i := range 3 {
		_, tok := b.user(t, fmt.Sprintf("critic%d@example.com", i))
		toks = append(toks, tok)
	}
	resp, data := b.call(t, "GET", "/api/terms/vibrato", toks[0], nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	entry := decodeAs[store.DictionaryEntry](t, data)
	feedback := "/api/terms/" + entry.ID.String() + "/feedback"
	report := "/api/terms/" + entry.ID.String() + "/report"

	resp, data = b.call(t, "POST", feedback, toks[0], map[string]any{"helpful": true}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.JSONEq(t, `{"helpful":1,"not_helpful":0}`, string(data))
	resp, data = b.call(t, "POST", feedback, toks[1], map[string]any{"helpful": true, "comment": "clear"}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"helpful":2,"not_helpful":0}`, string(data))
	resp, data = b.call(t, "POST", feedback, toks[0], map[string]any{"helpful": false}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"helpful":1,"not_helpful":1}`, string(data), "a reader changes their own answer, not another's")

	resp, data = b.call(t, "POST", "/api/terms/"+uuid.NewString()+"/feedback", toks[0], map[string]any{"helpful": true}, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")
	resp, data = b.call(t, "POST", feedback, toks[0], map[string]any{"helpful": "yes"}, nil)
	requireError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = b.call(t, "POST", feedback, toks[0], map[string]any{"comment": "no answer"}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")

	resp, data = b.call(t, "POST", report, toks[0], map[string]any{"reason": "incorrect", "comment": "wrong century"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	mine := decodeAs[store.Report](t, data)
	require.Equal(t, entry.Version, mine.EntryVersion)
	resp, data = b.call(t, "POST", report, toks[0], map[string]any{"reason": "offensive"}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "one report per reader and version")
	again := decodeAs[store.Report](t, data)
	require.Equal(t, mine.ID, again.ID)
	require.Equal(t, "incorrect", again.Reason, "their first report stands")
	resp, data = b.call(t, "POST", report, toks[1], map[string]any{"reason": "bad"}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")

	resp, _ = b.call(t, "POST", report, toks[1], map[string]any{"reason": "incomplete"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	_, data = b.call(t, "GET", "/api/terms/vibrato", toks[0], nil, nil)
	require.Equal(t, "published", decodeAs[store.DictionaryEntry](t, data).Status, "two reports are not enough")
	resp, _ = b.call(t, "POST", report, toks[2], map[string]any{"reason": "incorrect"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	// Three readers reporting another entry at the same moment count each other.
	resp, data = b.call(t, "GET", "/api/terms/tremolo", toks[0], nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	tremolo := "/api/terms/" + decodeAs[store.DictionaryEntry](t, data).ID.String() + "/report"
	var wg sync.WaitGroup
	for _, tok := range toks {
		wg.Go(func() {
			resp, data := b.call(t, "POST", tremolo, tok, map[string]any{"reason": "wrong_language"}, nil)
			require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
		})
	}
	wg.Wait()
	_, data = b.call(t, "GET", "/api/terms/tremolo", toks[0], nil, nil)
	require.Equal(t, "review", decodeAs[store.DictionaryEntry](t, data).Status)
	_, data = b.call(t, "GET", "/api/terms/vibrato", toks[0], nil, nil)
	reviewed := decodeAs[store.DictionaryEntry](t, data)
	require.Equal(t, "review", reviewed.Status, "three readers' reports send it back to review")
	require.Contains(t, reviewed.QualityIssues, "reported by readers: incomplete, incorrect")
}

func TestPopularTerms(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	seedDictionary(t, b)
	_, tok := b.user(t, "counter@example.com")
	for range 2 {
		resp, _ := b.call(t, "GET", "/api/terms/forte", tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	resp, data := b.call(t, "GET", "/api/terms/piano", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	piano := decodeAs[store.DictionaryEntry](t, data)
	resp, data = b.call(t, "POST", "/api/analytics/track", tok, map[string]any{"events": []map[string]any{
		{"entry_id": piano.ID, "event": "view"}, {"entry_id": piano.ID, "event": "share"}, {"entry_id": piano.ID, "event": "view"},
	}}, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(data))
	require.JSONEq(t, `{"counted":2}`, string(data), "the same event of the same entry counts once per request")

	resp, data = b.call(t, "GET", "/api/analytics/popular?limit=2", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	popular := decodeAs[struct {
		Terms []store.PopularTerm `json:"terms"`
	}](t, data).Terms
	require.Len(t, popular, 2)
	require.Equal(t, "piano", popular[0].Term)
	require.EqualValues(t, 3, popular[0].Uses, "a lookup, a view and a share")
	require.Equal(t, "forte", popular[1].Term)
	require.EqualValues(t, 2, popular[1].Uses)
	resp, data = b.call(t, "GET", "/api/analytics/popular?lang=fr", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"days":7,"terms":[]}`, string(data))

	resp, data = b.call(t, "POST", "/api/analytics/track", tok, map[string]any{"events": []map[string]any{
		{"entry_id": piano.ID, "event": "view"}, {"entry_id": uuid.NewString(), "event": "view"},
	}}, nil)
	requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	for _, event := range []string{"like", "lookup"} {
		resp, data = b.call(t, "POST", "/api/analytics/track", tok, map[string]any{"events": []map[string]any{{"entry_id": piano.ID, "event": event}}}, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	}
	for _, q := range []string{"days=0", "days=91", "lang=xx", "limit=500"} {
		resp, data = b.call(t, "GET", "/api/analytics/popular?"+q, tok, nil, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
	}
	_, data = b.call(t, "GET", "/api/analytics/popular?limit=1", tok, nil, nil)
	require.Contains(t, string(data), `"uses":3`, "the refused events counted nothing")
}
