package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/dictionary"
)

type languagesResponse struct {
	Languages []string `json:"languages"`
}

// definitionRequest is the answer to a term that is not in the dictionary yet, when its
// definition was asked for: the job that writes it.
type definitionRequest struct {
	JobID     int64    `json:"job_id"`
	State     string   `json:"state"`
	StatusURL string   `json:"status_url"`
	Errors    []string `json:"errors,omitempty"`
}

func (s *Server) languages(c *fiber.Ctx) error {
	return c.JSON(languagesResponse{Languages: dictionary.Languages()})
}

// termParam reads and checks the :term path parameter.
func termParam(c *fiber.Ctx) (string, error) {
	term, err := url.PathUnescape(c.Params("term"))
	if err == nil {
		// Fiber's parameters are as sent: %ff is unescaped only here.
		if err := checkText("", "term", term); err != nil {
			return "", err
		}
	}
	if err != nil || strings.TrimSpace(term) == "" || utf8.RuneCountInString(term) > 200 {
		return "", invalid("the term must be 1 to 200 characters of text", FieldError{Field: "term", Message: "not a term"})
	}
	return term, nil
}

// langQuery reads the lang query parameter (default en).
func langQuery(c *fiber.Ctx) (string, error) {
	lang := c.Query("lang", "en")
	if !contains(dictionary.Languages(), lang) {
		return "", invalid("lang must be one of: "+strings.Join(dictionary.Languages(), ", "), FieldError{Field: "lang", Message: "unknown language"})
	}
	return lang, nil
}

// boolQuery reads a true/false query parameter (default false).
func boolQuery(c *fiber.Ctx, name string) (bool, error) {
	switch c.Query(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, invalid(name+" must be true or false", FieldError{Field: name, Message: "not a boolean"})
}

// lookupTerm answers with the entry of a term in a language (default en), and counts the
// lookup; a term not there yet is a 404, or, with generate=true, a 202 with the definition
// job (one per term and language, however many ask).
func (s *Server) lookupTerm(c *fiber.Ctx) error {
	term, err := termParam(c)
	if err != nil {
		return err
	}
	lang, err := langQuery(c)
	if err != nil {
		return err
	}
	generate, err := boolQuery(c, "generate")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	entry, err := store.DictionaryEntryByTerm(ctx, s.pool, glossary.Key(term), lang)
	if err == nil {
		if err := store.CountUsage(ctx, s.pool, []store.Usage{{EntryID: entry.ID, Event: "lookup"}}); err != nil {
			s.logger.WarnContext(ctx, "error counting a lookup", "error", err) // the answer matters more
		}
		return c.JSON(entry)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !generate {
		return &Error{Status: http.StatusNotFound, Code: "not_found",
			Message: "this term is not in the dictionary in this language yet; ask for it with generate=true"}
	}
	if err := s.limitDefinitions(c, 1); err != nil {
		return err
	}
	res, err := dictionary.Request(ctx, s.pool, s.river, term, lang, false)
	if err != nil {
		return err
	}
	return c.Status(http.StatusAccepted).JSON(requestStatus(res.Job))
}

type generateRequest struct {
	Term string `json:"term" validate:"required,max=200"`
	Lang string `json:"lang" validate:"required,oneof=en es fr de zh-CN zh-TW"`
	// Regenerate writes the definition again though the entry is there (admins only).
	Regenerate bool `json:"regenerate,omitempty"`
}

type generateBatchRequest struct {
	Items []generateRequest `json:"items" validate:"required,min=1,max=50,dive"`
}

// generateResult is one term of a batch: its entry, when it is there (and not to be written
// again), else the job writing it.
type generateResult struct {
	Term    string                 `json:"term"`
	Lang    string                 `json:"lang"`
	Entry   *store.DictionaryEntry `json:"entry,omitempty"`
	Request *definitionRequest     `json:"request,omitempty"`
}

type generateBatchResponse struct {
	Results []generateResult `json:"results"`
}

// generateTerm is POST /api/terms/generate: the entry (200) when it is there, else the job
// that writes it (202). regenerate (admins) writes an entry again.
func (s *Server) generateTerm(c *fiber.Ctx) error {
	var in generateRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	results, err := s.generate(c, []generateRequest{in})
	if err != nil {
		return err
	}
	if r := results[0]; r.Entry != nil {
		return c.JSON(r.Entry)
	}
	return c.Status(http.StatusAccepted).JSON(results[0].Request)
}

// generateBatch is POST /api/terms/generate/batch: up to 50 terms in one request, their jobs
// inserted in one transaction.
func (s *Server) generateBatch(c *fiber.Ctx) error {
	var in generateBatchRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	results, err := s.generate(c, in.Items)
	if err != nil {
		return err
	}
	return c.Status(http.StatusAccepted).JSON(generateBatchResponse{Results: results})
}

func (s *Server) generate(c *fiber.Ctx, items []generateRequest) ([]generateResult, error) {
	ctx := c.UserContext()
	results := make([]generateResult, len(items))
	var params []river.InsertManyParams
	var pending []int       // results waiting for a job
	job := map[string]int{} // term key and language → index in params (one job each)
	sameAs := map[int]int{} // result → the earlier result of the same term and language
	for i, it := range items {
		args, err := dictionary.NewDefineArgs(it.Term, it.Lang)
		if err != nil {
			return nil, invalid(err.Error(), FieldError{Field: fmt.Sprintf("items[%d]", i), Message: "not a term and language"})
		}
		if it.Regenerate && currentUser(c).Role != store.RoleAdmin {
			return nil, &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "only admins may regenerate an entry"}
		}
		results[i] = generateResult{Term: args.Term, Lang: args.Lang}
		key := args.TermKey + "\x00" + args.Lang
		if first, ok := job[key]; ok {
			sameAs[i] = first
			continue
		}
		job[key] = i
		if !it.Regenerate {
			entry, err := store.DictionaryEntryByTerm(ctx, s.pool, args.TermKey, args.Lang)
			if err == nil {
				results[i].Entry = entry
				continue
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		args.Regenerate = it.Regenerate
		params = append(params, river.InsertManyParams{Args: args})
		pending = append(pending, i)
	}
	defer func() {
		for i, first := range sameAs {
			results[i].Entry, results[i].Request = results[first].Entry, results[first].Request
		}
	}()
	if len(params) == 0 {
		return results, nil
	}
	if err := s.limitDefinitions(c, len(params)); err != nil {
		return nil, err
	}
	var inserted []*rivertype.JobInsertResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		inserted, err = s.river.InsertManyTx(ctx, tx, params)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error requesting definitions: %w", err)
	}
	for k, i := range pending {
		st := requestStatus(inserted[k].Job)
		results[i].Request = &st
	}
	return results, nil
}

// translationsResponse is a term's entries in every language, and the languages it has none
// in yet (with generate=true, the jobs writing them).
type translationsResponse struct {
	Term         string                  `json:"term"`
	Translations []store.DictionaryEntry `json:"translations"`
	Missing      []string                `json:"missing"`
	Requests     []generateResult        `json:"requests,omitempty"`
}

func (s *Server) termTranslations(c *fiber.Ctx) error {
	term, err := termParam(c)
	if err != nil {
		return err
	}
	generate, err := boolQuery(c, "generate")
	if err != nil {
		return err
	}
	entries, err := store.DictionaryEntriesByTerm(c.UserContext(), s.pool, glossary.Key(term))
	if err != nil {
		return err
	}
	out := translationsResponse{Term: term, Translations: entries, Missing: []string{}}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Lang] = true
		out.Term = e.Term
	}
	var ask []generateRequest
	for _, lang := range dictionary.Languages() {
		if !have[lang] {
			out.Missing = append(out.Missing, lang)
			ask = append(ask, generateRequest{Term: term, Lang: lang})
		}
	}
	if generate && len(ask) > 0 {
		if out.Requests, err = s.generate(c, ask); err != nil {
			return err
		}
	}
	return c.JSON(out)
}

type versionsResponse struct {
	EntryID  uuid.UUID            `json:"entry_id"`
	Versions []store.EntryVersion `json:"versions"`
}

// termVersions is an entry's history, newest first.
func (s *Server) termVersions(c *fiber.Ctx) error {
	term, err := termParam(c)
	if err != nil {
		return err
	}
	lang, err := langQuery(c)
	if err != nil {
		return err
	}
	entry, err := store.DictionaryEntryByTerm(c.UserContext(), s.pool, glossary.Key(term), lang)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("dictionary entry")
	}
	if err != nil {
		return err
	}
	versions, err := store.EntryVersions(c.UserContext(), s.pool, entry.ID)
	if err != nil {
		return err
	}
	return c.JSON(versionsResponse{EntryID: entry.ID, Versions: versions})
}

// termFeedback records the reader's feedback on an entry (replacing theirs) and answers
// with the entry's counts.
func (s *Server) termFeedback(c *fiber.Ctx) error {
	id, err := pathID(c, "dictionary entry")
	if err != nil {
		return err
	}
	var in store.Feedback
	if err := s.decode(c, &in); err != nil {
		return err
	}
	sum, err := store.PutFeedback(c.UserContext(), s.pool, currentUser(c).ID, id, in)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("dictionary entry")
	}
	if err != nil {
		return err
	}
	return c.JSON(sum)
}

type reportRequest struct {
	Reason  string `json:"reason" validate:"required,oneof=incorrect incomplete wrong_language offensive other"`
	Comment string `json:"comment" validate:"max=2000"`
}

// reportTerm records the reader's report of an entry's current version: 201, or 200 with
// their earlier report of the same version.
func (s *Server) reportTerm(c *fiber.Ctx) error {
	id, err := pathID(c, "dictionary entry")
	if err != nil {
		return err
	}
	var in reportRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	r, created, err := store.ReportEntry(c.UserContext(), s.pool, currentUser(c).ID, id, in.Reason, in.Comment)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("dictionary entry")
	}
	if err != nil {
		return err
	}
	if created {
		c.Status(http.StatusCreated)
	}
	return c.JSON(r)
}

type popularResponse struct {
	Days  int                 `json:"days"`
	Terms []store.PopularTerm `json:"terms"`
}

// popularTerms is the entries used most lately.
func (s *Server) popularTerms(c *fiber.Ctx) error {
	lang := c.Query("lang")
	if lang != "" && !contains(dictionary.Languages(), lang) {
		return invalid("lang must be one of: "+strings.Join(dictionary.Languages(), ", "), FieldError{Field: "lang", Message: "unknown language"})
	}
	days, err := intQuery(c, "days", 7, 1, 90)
	if err != nil {
		return err
	}
	limit, err := intQuery(c, "limit", 10, 1, 100)
	if err != nil {
		return err
	}
	terms, err := store.PopularTerms(c.UserContext(), s.pool, lang, days, limit)
	if err != nil {
		return err
	}
	if terms == nil {
		terms = []store.PopularTerm{}
	}
	return c.JSON(popularResponse{Days: days, Terms: terms})
}

type trackRequest struct {
	Events []store.Usage `json:"events" validate:"required,min=1,max=100,dive"`
}

type trackResponse struct {
	Counted int `json:"counted"`
}

// trackUsage counts what readers did with entries (no reader is recorded).
func (s *Server) trackUsage(c *fiber.Ctx) error {
	var in trackRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	// The same event of the same entry counts once per request.
	seen := map[store.Usage]bool{}
	events := in.Events[:0]
	for _, e := range in.Events {
		if !seen[e] {
			seen[e] = true
			events = append(events, e)
		}
	}
	err := store.CountUsage(c.UserContext(), s.pool, events)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("an event names an entry that is not in the dictionary; nothing was counted",
			FieldError{Field: "events", Message: "unknown entry_id"})
	}
	if err != nil {
		return err
	}
	return c.Status(http.StatusAccepted).JSON(trackResponse{Counted: len(events)})
}

func requestStatus(job *rivertype.JobRow) definitionRequest {
	out := definitionRequest{JobID: job.ID, State: string(job.State), StatusURL: "/api/terms/requests/" + strconv.FormatInt(job.ID, 10)}
	for _, e := range job.Errors {
		out.Errors = append(out.Errors, e.Error)
	}
	return out
}

// definitionStatus is the state of a definition job (only those: other jobs are not found).
func (s *Server) definitionStatus(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("job"), 10, 64)
	if err != nil || id < 1 {
		return notFound("definition request")
	}
	job, err := s.river.JobGet(c.UserContext(), id)
	if err != nil || job.Kind != (dictionary.DefineArgs{}).Kind() {
		return notFound("definition request")
	}
	return c.JSON(requestStatus(job))
}

type termSearchResponse struct {
	Hits []store.TermHit `json:"hits"`
	Mode string          `json:"mode"`
}

type semanticRequest struct {
	Query string `json:"query" validate:"required,max=500"`
	Lang  string `json:"lang,omitempty" validate:"omitempty,oneof=en es fr de zh-CN zh-TW"`
	Type  string `json:"type,omitempty" validate:"omitempty,oneof=tempo dynamics articulation form genre instrument technique theory notation period general"`
	Limit int    `json:"limit,omitempty" validate:"omitempty,min=1,max=50"`
}

// searchTerms is lexical, semantic or (by default) hybrid search over a language's entries.
func (s *Server) searchTerms(c *fiber.Ctx) error {
	in := semanticRequest{Query: c.Query("q"), Lang: c.Query("lang"), Type: c.Query("type")}
	var err error
	if in.Limit, err = intQuery(c, "limit", 10, 1, 50); err != nil {
		return err
	}
	if err := s.validate(&in); err != nil {
		return err
	}
	mode := c.Query("mode", "hybrid")
	if !contains([]string{"hybrid", "lexical", "semantic"}, mode) {
		return invalid("mode must be one of: hybrid, lexical, semantic", FieldError{Field: "mode", Message: "unknown mode"})
	}
	hits, err := s.findTerms(c, in, mode)
	if err != nil {
		return err
	}
	return c.JSON(termSearchResponse{Hits: hits, Mode: mode})
}

// semanticSearch is POST /api/search/semantic: by meaning only.
func (s *Server) semanticSearch(c *fiber.Ctx) error {
	var in semanticRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	if in.Limit == 0 {
		in.Limit = 10
	}
	hits, err := s.findTerms(c, in, "semantic")
	if err != nil {
		return err
	}
	return c.JSON(termSearchResponse{Hits: hits, Mode: "semantic"})
}

func (s *Server) findTerms(c *fiber.Ctx, in semanticRequest, mode string) ([]store.TermHit, error) {
	if in.Lang == "" {
		in.Lang = "en"
	}
	ctx := c.UserContext()
	var lexical, semantic []store.TermHit
	var err error
	if mode != "semantic" {
		if lexical, err = store.LexicalTerms(ctx, s.pool, in.Query, in.Lang, in.Type, in.Limit*2); err != nil {
			return nil, err
		}
	}
	if mode != "lexical" {
		vecs, err := s.embedder.Embed(ctx, []string{in.Query})
		if err != nil {
			return nil, err
		}
		m := store.EmbeddingModel{Name: s.embedder.Model(), Dims: s.embedder.Dims()}
		if semantic, err = store.SemanticTerms(ctx, s.pool, m, vecs[0], in.Lang, in.Type, in.Limit*2); err != nil {
			return nil, err
		}
	}
	hits := store.FuseRanks(in.Limit, lexical, semantic)
	if hits == nil {
		hits = []store.TermHit{}
	}
	return hits, nil
}
