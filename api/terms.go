package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
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

// lookupTerm answers with the entry of a term in a language (default en); a term not there
// yet is a 404, or, with generate=true, a 202 with the definition job (one per term and
// language, however many ask).
func (s *Server) lookupTerm(c *fiber.Ctx) error {
	term, err := url.PathUnescape(c.Params("term"))
	if err != nil || strings.TrimSpace(term) == "" || len(term) > 200 || !plainText(term) {
		return invalid("the term must be 1 to 200 characters of text", FieldError{Field: "term", Message: "not a term"})
	}
	lang := c.Query("lang", "en")
	if !contains(dictionary.Languages(), lang) {
		return invalid("lang must be one of: "+strings.Join(dictionary.Languages(), ", "), FieldError{Field: "lang", Message: "unknown language"})
	}
	generate := c.Query("generate")
	if generate != "" && generate != "true" && generate != "false" {
		return invalid("generate must be true or false", FieldError{Field: "generate", Message: "not a boolean"})
	}
	entry, err := store.DictionaryEntryByTerm(c.UserContext(), s.pool, glossary.Key(term), lang)
	if err == nil {
		return c.JSON(entry)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if generate != "true" {
		return &Error{Status: http.StatusNotFound, Code: "not_found",
			Message: "this term is not in the dictionary in this language yet; ask for it with generate=true"}
	}
	res, err := dictionary.Request(c.UserContext(), s.pool, s.river, term, lang)
	if err != nil {
		return err
	}
	return c.Status(http.StatusAccepted).JSON(requestStatus(res.Job))
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
	if !plainText(in.Query) {
		return invalid("q must be text (UTF-8, no NUL characters)", FieldError{Field: "q", Message: "not text"})
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
