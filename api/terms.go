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
