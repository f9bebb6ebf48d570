package api

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/imslp"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// imslpWork is the body of POST /api/import/imslp.
type imslpWork struct {
	// Work is an IMSLP work page's URL, its page id, or its title.
	Work string `json:"work" validate:"required,max=500"`
}

// importIMSLP imports one work: a batch of one, so its status reads like any other.
func (s *Server) importIMSLP(c *fiber.Ctx) error {
	var in imslpWork
	if err := s.decode(c, &in); err != nil {
		return err
	}
	return s.createBatch(c, imslp.Request{Works: []string{in.Work}})
}

// importIMSLPBatch imports a list of works, or a composer's works with filters.
func (s *Server) importIMSLPBatch(c *fiber.Ctx) error {
	var in imslp.Request
	if err := s.decode(c, &in); err != nil {
		return err
	}
	return s.createBatch(c, in)
}

func (s *Server) createBatch(c *fiber.Ctx, req imslp.Request) error {
	ctx, owner := c.UserContext(), currentUser(c).ID
	tx, err := s.requestTx(c)
	if err != nil {
		return err
	}
	id, err := imslp.CreateBatch(ctx, tx, s.river, owner, req)
	var bad *imslp.BadRequest
	switch {
	case errors.As(err, &bad):
		return invalid(bad.Reason)
	case errors.Is(err, imslp.ErrTooMany):
		return &Error{Status: http.StatusConflict, Code: "too_many_imports", Message: err.Error()}
	case err != nil:
		return err
	}
	b, err := imslp.Status(ctx, tx, imslp.OwnedBy(owner), id)
	if err != nil {
		return err
	}
	c.Location("/api/import/status/" + id.String())
	return c.Status(http.StatusAccepted).JSON(b)
}

// batchList is the answer of GET /api/import/imslp.
type batchList struct {
	Items []imslp.Batch `json:"items"`
}

func (s *Server) listIMSLPBatches(c *fiber.Ctx) error {
	limit, _, _, err := listParams(c, nil)
	if err != nil {
		return err
	}
	items, err := imslp.List(c.UserContext(), s.pool, imslp.OwnedBy(currentUser(c).ID), limit)
	if err != nil {
		return err
	}
	return c.JSON(batchList{Items: items})
}

// imslpItems pages through a batch's works and their outcomes: why each was skipped or
// failed, and the score each became.
func (s *Server) imslpItems(c *fiber.Ctx) error {
	id, err := pathID(c, "IMSLP import")
	if err != nil {
		return err
	}
	limit, cursor, _, err := listParams(c, nil)
	if err != nil {
		return err
	}
	state, err := enumQuery(c, "state", "queued", "imported", "duplicate", "skipped", "failed", "cancelled")
	if err != nil {
		return err
	}
	after, err := decodeWorkCursor(cursor)
	if err != nil {
		return err
	}
	items, err := imslp.Items(c.UserContext(), s.pool, imslp.OwnedBy(currentUser(c).ID), id, state, after, limit+1)
	if errors.Is(err, imslp.ErrNotFound) {
		return notFound("IMSLP import")
	}
	if err != nil {
		return err
	}
	page := store.Page[imslp.Item]{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(items[limit-1].Work))
	}
	return c.JSON(page)
}

// decodeWorkCursor reads an items page's cursor: the last work's reference, base64url.
func decodeWorkCursor(cursor string) (string, error) {
	after, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !utf8.Valid(after) || bytes.IndexByte(after, 0) >= 0 {
		return "", store.ErrBadCursor
	}
	return string(after), nil
}

// importStatusResponse is an import's status: a score's pipeline (kind score: an upload,
// a URL) or an IMSLP batch's works by state (kind imslp_batch).
type importStatusResponse struct {
	ID   uuid.UUID `json:"id"`
	Kind string    `json:"kind"` // score or imslp_batch
	// State is the pipeline run's state (running, done, failed) or the batch's status
	// (listing, running, done, cancelled, failed).
	State string `json:"state"`
	// Progress is 0–1: steps done of a pipeline, works with an outcome of a batch.
	Progress float64         `json:"progress"`
	Pipeline *pipelineStatus `json:"pipeline,omitempty"`
	Batch    *imslp.Batch    `json:"batch,omitempty"`
}

// importStatus is the status of one of the user's imports: an IMSLP batch by its id, or a
// score (an upload, a URL, a work of a batch) by the score's id.
func (s *Server) importStatus(c *fiber.Ctx) error {
	id, err := pathID(c, "import")
	if err != nil {
		return err
	}
	ctx, user := c.UserContext(), currentUser(c).ID
	b, err := imslp.Status(ctx, s.pool, imslp.OwnedBy(user), id)
	switch {
	case err == nil:
		return c.JSON(importStatusResponse{ID: id, Kind: "imslp_batch", State: b.Status, Progress: b.Progress, Batch: b})
	case !errors.Is(err, imslp.ErrNotFound):
		return err
	}
	sc, err := store.OwnedScore(ctx, s.pool, user, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("import")
	}
	if err != nil {
		return err
	}
	out, err := s.scoreResponse(ctx, s.pool, sc)
	if err != nil {
		return err
	}
	p := out.Pipeline
	if p == nil {
		return notFound("import")
	}
	progress := scores.Progress(p.Steps, p.State)
	return c.JSON(importStatusResponse{ID: id, Kind: "score", State: p.State, Progress: progress, Pipeline: p})
}

// cancelImport cancels an IMSLP batch: works not imported yet end as cancelled.
func (s *Server) cancelImport(c *fiber.Ctx) error {
	id, err := pathID(c, "IMSLP import")
	if err != nil {
		return err
	}
	b, err := imslp.Cancel(c.UserContext(), s.pool, s.river, imslp.OwnedBy(currentUser(c).ID), id)
	switch {
	case errors.Is(err, imslp.ErrNotFound):
		return notFound("IMSLP import")
	case errors.Is(err, imslp.ErrEnded):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "the import has ended already; there is nothing to cancel"}
	case err != nil:
		return err
	}
	return c.JSON(b)
}
