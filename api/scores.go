package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/blob"
	"github.com/mirubato/mirubato/internal/fetch"
	"github.com/mirubato/mirubato/internal/metadata"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// uploadForm documents POST /api/scores.
type uploadForm struct {
	File       string `json:"file" openapi:"binary"` // the PDF
	Title      string `json:"title,omitempty"`
	Composer   string `json:"composer,omitempty"`
	Visibility string `json:"visibility,omitempty"` // private (default), unlisted, public
}

// scoreResponse is a score with the state of its pipeline.
type scoreResponse struct {
	store.Score
	Pipeline *pipelineStatus `json:"pipeline"`
}

// pipelineStatus is the latest run of a score's pipeline: its state, the step it is at,
// each step's progress, and why it failed.
type pipelineStatus struct {
	RunID  uuid.UUID                `json:"run_id"`
	State  string                   `json:"state"`
	Step   string                   `json:"step"`
	Steps  map[string]store.RunStep `json:"steps"`
	Error  *string                  `json:"error,omitempty"`
	Status string                   `json:"score_status"`
}

// scoreUpdate is the body of PUT /api/scores/:id: the visibility and the owner's metadata
// corrections, all of them (a field left out is no longer corrected and shows the
// extracted value again).
type scoreUpdate struct {
	Visibility string         `json:"visibility" validate:"required,oneof=private unlisted public"`
	Metadata   map[string]any `json:"metadata" validate:"max=20"`
	Version    *int           `json:"version,omitempty" validate:"omitempty,min=1"`
}

func (s *Server) scoreResponse(ctx context.Context, db store.DB, sc *store.Score) (*scoreResponse, error) {
	out := &scoreResponse{Score: *sc}
	if sc.RunID != nil {
		run, err := store.GetRun(ctx, db, *sc.RunID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if run != nil {
			out.Pipeline = &pipelineStatus{RunID: run.ID, State: run.State, Step: run.Step, Steps: run.Steps,
				Error: run.Error, Status: sc.Status}
		}
	}
	return out, nil
}

// sendScore answers with the score, its pipeline and its version as ETag.
func (s *Server) sendScore(c *fiber.Ctx, status int, sc *store.Score) error {
	out, err := s.scoreResponse(c.UserContext(), s.db(c), sc)
	if err != nil {
		return err
	}
	setETag(c, sc.Version)
	return c.Status(status).JSON(out)
}

func tooLarge(size, limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
		Message: fmt.Sprintf("the file is %s; the limit is %s", pdf.Size(size), pdf.Size(limit))}
}

func refused(reason string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_pdf", Message: reason}
}

// refusal answers a refused file, and logs why (the parser's own error, which the answer
// leaves out); a panic of the PDF library the file caused is logged as the error it is,
// with its stack, once.
func (s *Server) refusal(c *fiber.Ctx, reason string, err error) error {
	ctx := c.UserContext()
	attrs := []slog.Attr{slog.String("request_id", requestID(c)), slog.String("user_id", currentUser(c).ID.String()),
		slog.String("reason", reason)}
	var p *pdf.Panic
	if errors.As(err, &p) {
		s.logger.LogAttrs(ctx, slog.LevelError, "pdf library panicked on an upload",
			append(attrs, slog.String("panic", fmt.Sprint(p.Value)), slog.String("stack", string(p.Stack)))...)
	} else {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "upload refused", append(attrs, slog.Any("cause", errors.Unwrap(err)))...)
	}
	return refused(reason)
}

// imagesForm documents POST /api/scores/images.
type imagesForm struct {
	Images     []string `json:"images" openapi:"binary"` // the pages, in order: PNG or JPEG
	Title      string   `json:"title,omitempty"`
	Composer   string   `json:"composer,omitempty"`
	Visibility string   `json:"visibility,omitempty"`
}

// uploadImages assembles page images into a PDF score and accepts it as an upload.
func (s *Server) uploadImages(c *fiber.Ctx) error {
	form, err := s.multipart(c, "images")
	if err != nil {
		return err
	}
	files := form.File["images"]
	if len(files) == 0 {
		return invalid("send the page images in the field \"images\", in page order", FieldError{Field: "images", Message: "required"})
	}
	limit := s.scores.Limits.MaxBytes
	// Each image is read where readForm put it (on disk when large), in its turn.
	images := make([]*io.SectionReader, 0, len(files))
	var total int64
	for _, fh := range files {
		if total += fh.Size; total > limit {
			return tooLarge(total, limit)
		}
		f, err := fh.Open()
		if err != nil {
			return badRequest("the uploaded file could not be read")
		}
		defer f.Close()
		images = append(images, io.NewSectionReader(f, 0, fh.Size))
	}
	visibility, meta, err := scoreFields(form, "images")
	if err != nil {
		return err
	}
	data, err := pdf.FromImageFiles(c.UserContext(), images, s.scores.Limits)
	if reason, ok := scores.IsRefused(err); ok {
		return s.refusal(c, reason, err)
	}
	if err != nil {
		return err
	}
	name := strings.TrimSuffix(files[0].Filename, path.Ext(files[0].Filename)) + ".pdf"
	return s.accept(c, scores.Upload{OwnerID: currentUser(c).ID, Filename: name, Data: data, Source: "images",
		Visibility: visibility, Metadata: meta})
}

// multipart returns the upload's form (readForm read it), whose files are in the field
// named field.
func (s *Server) multipart(c *fiber.Ctx, field string) (*multipart.Form, error) {
	f := formOf(c)
	if f == nil {
		return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "send the score as multipart/form-data with the files in the field \"" + field + "\""}
	}
	return f.Form, nil
}

// scoreFields reads the optional fields of an upload form: visibility, title, composer.
// Any other field (but the files' field) is refused.
func scoreFields(form *multipart.Form, filesField string) (string, map[string]string, error) {
	value := func(k string) string {
		if v := form.Value[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	visibility := value("visibility")
	switch visibility {
	case "", "private", "unlisted", "public":
	default:
		return "", nil, invalid("visibility must be one of: private, unlisted, public", FieldError{Field: "visibility", Message: "unknown visibility"})
	}
	meta := map[string]string{}
	for _, k := range []string{"title", "composer"} {
		v := value(k)
		if err := checkText("form field", k, v); err != nil {
			return "", nil, err
		}
		if len(v) > 300 {
			return "", nil, invalid(k+" must be at most 300 characters", FieldError{Field: k, Message: "too long"})
		}
		if v != "" {
			meta[k] = v
		}
	}
	for k := range form.Value {
		if k != "title" && k != "composer" && k != "visibility" {
			return "", nil, invalid("unknown form field "+strconv.Quote(k), FieldError{Field: k, Message: "unknown field"})
		}
	}
	for k := range form.File {
		if k != filesField {
			return "", nil, invalid("unknown file field "+strconv.Quote(k)+"; send the files in \""+filesField+"\"", FieldError{Field: k, Message: "unknown field"})
		}
	}
	return visibility, meta, nil
}

// accept hands a file to the pipeline's intake and answers 202 with the score.
// The file is checked before the request's transaction opens (a parse may take seconds);
// it is recorded in that transaction, with the response kept for its Idempotency-Key.
func (s *Server) accept(c *fiber.Ctx, u scores.Upload) error {
	ctx := c.UserContext()
	checked, err := s.scores.Check(ctx, u)
	if reason, ok := scores.IsRefused(err); ok {
		return s.refusal(c, reason, err)
	}
	if err != nil {
		return err
	}
	// Stored before the transaction opens (a large file to a bucket takes a while), and
	// deleted again unless the transaction commits.
	if err := s.scores.Store(ctx, checked); err != nil {
		return err
	}
	s.onRollback(c, func(ctx context.Context) { s.scores.Discard(ctx, checked.ScoreID) })
	tx, err := s.requestTx(c)
	if err != nil {
		return err
	}
	sc, _, err := s.scores.Record(ctx, tx, s.river, checked)
	if err != nil {
		return err
	}
	c.Location("/api/scores/" + sc.ID.String())
	return s.sendScore(c, http.StatusAccepted, sc)
}

// uploadScore accepts a PDF as multipart/form-data: validated before anything is stored,
// then stored, recorded and queued in one transaction; 202 with the score and its pipeline.
func (s *Server) uploadScore(c *fiber.Ctx) error {
	form, err := s.multipart(c, "file")
	if err != nil {
		return err
	}
	files := form.File["file"]
	if len(files) != 1 {
		return invalid("send exactly one PDF in the field \"file\"", FieldError{Field: "file", Message: "required"})
	}
	fh := files[0]
	limit := s.scores.Limits.MaxBytes
	if fh.Size > limit {
		return tooLarge(fh.Size, limit)
	}
	visibility, meta, err := scoreFields(form, "file")
	if err != nil {
		return err
	}
	// The file as readForm stored it (on disk when it is large): checked and stored from
	// there, never read whole into memory.
	f, err := fh.Open()
	if err != nil {
		return badRequest("the uploaded file could not be read")
	}
	defer f.Close()
	return s.accept(c, scores.Upload{OwnerID: currentUser(c).ID, Filename: fh.Filename, File: f, Size: fh.Size,
		Source: "upload", Visibility: visibility, Metadata: meta})
}

// urlImport is the body of POST /api/import/url.
type urlImport struct {
	URL        string `json:"url" validate:"required,max=2000"`
	Title      string `json:"title,omitempty" validate:"max=300"`
	Composer   string `json:"composer,omitempty" validate:"max=300"`
	Visibility string `json:"visibility,omitempty" validate:"omitempty,oneof=private unlisted public"`
}

// importURL records a URL import and answers 202 with the score and its pipeline at once:
// the pipeline's first step downloads the file (see internal/fetch for the rules) and
// checks it as an upload is checked. Only the URL's form is checked here.
func (s *Server) importURL(c *fiber.Ctx) error {
	var in urlImport
	if err := s.decode(c, &in); err != nil {
		return err
	}
	tx, err := s.requestTx(c)
	if err != nil {
		return err
	}
	sc, _, err := s.scores.AcceptURL(c.UserContext(), tx, s.river, scores.URLImport{OwnerID: currentUser(c).ID, URL: in.URL,
		Visibility: in.Visibility, Metadata: map[string]string{"title": in.Title, "composer": in.Composer}})
	var fr *fetch.Refused
	if errors.As(err, &fr) {
		return invalid(fr.Reason, FieldError{Field: "url", Message: "not an http(s) URL"})
	}
	if err != nil {
		return err
	}
	c.Location("/api/scores/" + sc.ID.String())
	return s.sendScore(c, http.StatusAccepted, sc)
}

func (s *Server) listScores(c *fiber.Ctx) error {
	limit, cursor, _, err := listParams(c, nil)
	if err != nil {
		return err
	}
	f := store.ScoreFilter{Limit: limit, Cursor: cursor}
	if f.Scope, err = enumQuery(c, "scope", "mine", "public"); err != nil {
		return err
	}
	if f.Status, err = enumQuery(c, "status", store.ScoreProcessing, store.ScoreReady, store.ScoreFailed); err != nil {
		return err
	}
	p, err := store.ListScores(c.UserContext(), s.pool, currentUser(c).ID, f)
	if err != nil {
		return err
	}
	return streamJSON(c, p)
}

// viewable returns the score the current user may see (own, public or unlisted).
func (s *Server) viewable(c *fiber.Ctx) (*store.Score, error) {
	id, err := pathID(c, "score")
	if err != nil {
		return nil, err
	}
	sc, err := store.GetScore(c.UserContext(), s.pool, currentUser(c).ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("score")
	}
	return sc, err
}

func (s *Server) getScore(c *fiber.Ctx) error {
	sc, err := s.viewable(c)
	if err != nil {
		return err
	}
	return s.sendScore(c, http.StatusOK, sc)
}

func (s *Server) updateScore(c *fiber.Ctx) error {
	id, err := pathID(c, "score")
	if err != nil {
		return err
	}
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in scoreUpdate
	if err := s.decode(c, &in); err != nil {
		return err
	}
	if err := checkCorrections(in.Metadata); err != nil {
		return err
	}
	fromBody := false
	if v == nil && in.Version != nil {
		v, fromBody = in.Version, true
	}
	sc, err := store.UpdateScore(c.UserContext(), s.pool, currentUser(c).ID, id, in.Visibility, in.Metadata, v)
	switch {
	case errors.Is(err, store.ErrVersionConflict) && fromBody:
		return &Error{Status: http.StatusConflict, Code: "version_conflict",
			Message: fmt.Sprintf("it was changed since version %d that you edited; reload it and apply your change again", *v)}
	case errors.Is(err, store.ErrNotFound):
		return notFound("score")
	case err != nil:
		return err
	}
	return s.sendScore(c, http.StatusOK, sc)
}

// checkCorrections accepts the metadata fields with values of their type: difficulty 1–10
// and year as whole numbers, tags as a list of strings, the others as strings.
func checkCorrections(m map[string]any) error {
	known := map[string]bool{}
	for _, f := range metadata.Fields() {
		known[f] = true
	}
	for k, v := range m {
		field := "metadata." + k
		if !known[k] {
			return invalid(fmt.Sprintf("%s is not a metadata field; the fields are: %s", k, strings.Join(metadata.Fields(), ", ")),
				FieldError{Field: field, Message: "unknown field"})
		}
		switch k {
		case "difficulty", "year":
			n, ok := v.(float64)
			lo, hi := 1.0, 10.0
			if k == "year" {
				lo, hi = 1000, 2100
			}
			if !ok || n != float64(int(n)) || n < lo || n > hi {
				return invalid(fmt.Sprintf("%s must be a whole number from %d to %d", field, int(lo), int(hi)),
					FieldError{Field: field, Message: "out of range"})
			}
		case "tags":
			list, ok := v.([]any)
			if !ok || len(list) > 30 {
				return invalid(field+" must be a list of at most 30 strings", FieldError{Field: field, Message: "not a list of strings"})
			}
			for _, t := range list {
				if s, ok := t.(string); !ok || s == "" || len(s) > 50 {
					return invalid(field+" must hold strings of 1 to 50 characters", FieldError{Field: field, Message: "bad tag"})
				}
			}
		default:
			if s, ok := v.(string); !ok || len(s) > 300 {
				return invalid(field+" must be a string of at most 300 characters", FieldError{Field: field, Message: "not a string"})
			}
		}
	}
	return nil
}

func (s *Server) deleteScore(c *fiber.Ctx) error {
	id, err := pathID(c, "score")
	if err != nil {
		return err
	}
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(c.UserContext(), s.pool, func(tx pgx.Tx) error {
		return scores.Delete(c.UserContext(), tx, s.river, currentUser(c).ID, id, v)
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound("score")
	}
	if err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (s *Server) reprocessScore(c *fiber.Ctx) error {
	id, err := pathID(c, "score")
	if err != nil {
		return err
	}
	var sc *store.Score
	err = pgx.BeginFunc(c.UserContext(), s.pool, func(tx pgx.Tx) error {
		// Locked, so two reprocess requests at once start one run after the other.
		old, err := store.OwnedScoreForUpdate(c.UserContext(), tx, currentUser(c).ID, id)
		if err != nil {
			return err
		}
		if _, err := scores.Reprocess(c.UserContext(), tx, s.river, old); err != nil {
			return err
		}
		sc, err = store.ScoreByID(c.UserContext(), tx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return notFound("score")
	}
	if err != nil {
		return err
	}
	return s.sendScore(c, http.StatusAccepted, sc)
}

// sendBlob answers with a stored object.
func (s *Server) sendBlob(c *fiber.Ctx, key, contentType, filename string) error {
	data, err := blob.Get(c.UserContext(), s.blobs, key, 0)
	if errors.Is(err, blob.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Code: "not_ready", Message: "this file is not there yet; the score is still being processed"}
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set("X-Content-Type-Options", "nosniff")
	if filename != "" {
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", strings.ReplaceAll(filename, `"`, "")))
	}
	return c.Send(data)
}

// scorePage answers /pages/3 with the page's PDF and /pages/3.png with its image.
func (s *Server) scorePage(c *fiber.Ctx) error {
	sc, err := s.viewable(c)
	if err != nil {
		return err
	}
	param, png := strings.CutSuffix(c.Params("page"), ".png")
	n, err := strconv.Atoi(param)
	if err != nil || n < 1 || n > sc.PageCount {
		return &Error{Status: http.StatusNotFound, Code: "not_found",
			Message: fmt.Sprintf("page not found; this score has pages 1 to %d", sc.PageCount)}
	}
	pages, err := store.ScorePages(c.UserContext(), s.pool, sc.ID, n, n)
	if err != nil {
		return err
	}
	notReady := &Error{Status: http.StatusNotFound, Code: "not_ready", Message: "this page is not there yet; the score is still being processed"}
	if len(pages) == 0 {
		return notReady
	}
	if png {
		if pages[0].PNGKey == nil {
			return notReady
		}
		return s.sendBlob(c, *pages[0].PNGKey, "image/png", "")
	}
	return s.sendBlob(c, pages[0].PDFKey, "application/pdf", "")
}

// pagesPerRequest bounds GET /api/scores/:id/pages: a page's text may be 100 KB.
const pagesPerRequest = 50

// scorePagesResponse is a run of a score's pages as the pipeline read them.
type scorePagesResponse struct {
	Pages []scorePageText `json:"pages"`
	// Next is the first page after these, when there are more.
	Next *int `json:"next,omitempty"`
}

// scorePageText is one page: its text, where the text came from (the PDF's text layer or
// OCR, with its confidence) and, when it could not be read, why.
type scorePageText struct {
	N              int      `json:"n"`
	Text           *string  `json:"text"`
	TextSource     *string  `json:"text_source"`
	TextConfidence *float64 `json:"text_confidence"`
	TextNote       *string  `json:"text_note,omitempty"`
	Image          string   `json:"image,omitempty"`
}

func (s *Server) scorePages(c *fiber.Ctx) error {
	sc, err := s.viewable(c)
	if err != nil {
		return err
	}
	from := 1
	if v := c.Query("from"); v != "" {
		if from, err = strconv.Atoi(v); err != nil || from < 1 {
			return invalid("from must be a page number, 1 or more", FieldError{Field: "from", Message: "must be 1 or more"})
		}
	}
	to := min(from+pagesPerRequest-1, sc.PageCount)
	pages, err := store.ScorePages(c.UserContext(), s.pool, sc.ID, from, to)
	if err != nil {
		return err
	}
	out := scorePagesResponse{Pages: make([]scorePageText, 0, len(pages))}
	for _, p := range pages {
		t := scorePageText{N: p.N, Text: p.Text, TextSource: p.TextSource, TextConfidence: p.TextConfidence, TextNote: p.TextNote}
		if p.PNGKey != nil {
			t.Image = fmt.Sprintf("/api/scores/%s/pages/%d.png", sc.ID, p.N)
		}
		out.Pages = append(out.Pages, t)
	}
	if to < sc.PageCount {
		next := to + 1
		out.Next = &next
	}
	return c.JSON(out)
}

func (s *Server) scoreThumbnail(c *fiber.Ctx) error {
	sc, err := s.viewable(c)
	if err != nil {
		return err
	}
	if sc.ThumbnailKey == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_ready", Message: "the thumbnail is not there yet; the score is still being processed"}
	}
	return s.sendBlob(c, *sc.ThumbnailKey, "image/png", "")
}

func (s *Server) downloadScore(c *fiber.Ctx) error {
	sc, err := s.viewable(c)
	if err != nil {
		return err
	}
	return s.sendBlob(c, sc.BlobKey, "application/pdf", sc.Filename)
}

// search finds scores the user may see; see store.Search.
func (s *Server) search(c *fiber.Ctx) error {
	q := store.SearchQuery{Text: c.Query("q"), Composer: c.Query("composer"), Instrument: c.Query("instrument"),
		Period: c.Query("period"), Limit: 20, WithFacets: c.Query("facets") != "false", Canonical: s.composerNames.Canonical}
	for name, v := range map[string]string{"q": q.Text, "composer": q.Composer, "instrument": q.Instrument, "period": q.Period} {
		if len(v) > 200 {
			return invalid(name+" must be at most 200 characters", FieldError{Field: name, Message: "too long"})
		}
	}
	var err error
	if q.Limit, err = intQuery(c, "limit", 20, 1, 100); err != nil {
		return err
	}
	if q.Offset, err = intQuery(c, "offset", 0, 0, 10000); err != nil {
		return err
	}
	if c.Query("difficulty") != "" {
		d, err := intQuery(c, "difficulty", 0, 1, 10)
		if err != nil {
			return err
		}
		q.Difficulty = &d
	}
	switch c.Query("scope") {
	case "", "all":
	case "mine":
		q.OwnScoresOn = true
	default:
		return invalid("scope must be one of: all, mine", FieldError{Field: "scope", Message: "unknown scope"})
	}
	res, err := store.Search(c.UserContext(), s.pool, currentUser(c).ID, q)
	if err != nil {
		return err
	}
	return streamJSON(c, res)
}

func (s *Server) composers(c *fiber.Ctx) error {
	q := c.Query("q")
	if len(q) > 200 {
		return invalid("q must be at most 200 characters", FieldError{Field: "q", Message: "too long"})
	}
	limit, err := intQuery(c, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	out, err := store.Composers(c.UserContext(), s.pool, currentUser(c).ID, q, limit, s.composerNames.Canonical)
	if err != nil {
		return err
	}
	return c.JSON(composersResponse{Composers: out})
}

type composersResponse struct {
	Composers []store.ComposerCount `json:"composers"`
}

// intQuery reads a whole-number query parameter within lo..hi (def when absent).
func intQuery(c *fiber.Ctx, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalid(fmt.Sprintf("%s must be a whole number from %d to %d", name, lo, hi),
			FieldError{Field: name, Message: "out of range"})
	}
	return n, nil
}
