package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/mirubato/mirubato/internal/store"
)

// resource is the create/read/update/delete of one kind of a user's practice data. The
// handlers are the same for every kind; only the store calls and extra checks differ.
type resource[In, Out any] struct {
	what    string // for messages: "logbook entry"
	path    string // collection path, for Location headers
	create  func(ctx context.Context, db store.DB, userID, id uuid.UUID, in *In) (*Out, error)
	get     func(ctx context.Context, db store.DB, userID, id uuid.UUID) (*Out, error)
	update  func(ctx context.Context, db store.DB, userID, id uuid.UUID, in *In, ifVersion *int) (*Out, error)
	delete  func(ctx context.Context, db store.DB, userID, id uuid.UUID, ifVersion *int) error
	id      func(*Out) uuid.UUID
	version func(*Out) int
	// bodyVersion is the version the client sent in the body, if any.
	bodyVersion func(*In) *int
	// check validates what the validate tags cannot (dates, references to other rows).
	// It reads through db: the request's transaction on synced routes.
	check func(ctx context.Context, s *Server, db store.DB, userID uuid.UUID, in *In) error
}

func (r *resource[In, Out]) read(s *Server, c *fiber.Ctx) (*In, error) {
	var in In
	if err := s.decode(c, &in); err != nil {
		return nil, err
	}
	if r.check != nil {
		if err := r.check(c.UserContext(), s, s.db(c), currentUser(c).ID, &in); err != nil {
			return nil, err
		}
	}
	return &in, nil
}

func (r *resource[In, Out]) handleCreate(s *Server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := r.read(s, c)
		if err != nil {
			return err
		}
		out, err := r.create(c.UserContext(), s.db(c), currentUser(c).ID, uuid.Nil, in)
		if err != nil {
			return err
		}
		setETag(c, r.version(out))
		c.Location(r.path + "/" + r.id(out).String())
		return c.Status(http.StatusCreated).JSON(out)
	}
}

func (r *resource[In, Out]) handleGet(s *Server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, r.what)
		if err != nil {
			return err
		}
		out, err := r.get(c.UserContext(), s.pool, currentUser(c).ID, id)
		if err != nil {
			return r.notFound(err)
		}
		setETag(c, r.version(out))
		return c.JSON(out)
	}
}

// target reads the object's id from the path and the version from If-Match.
func (r *resource[In, Out]) target(c *fiber.Ctx) (uuid.UUID, *int, error) {
	id, err := pathID(c, r.what)
	if err != nil {
		return uuid.Nil, nil, err
	}
	v, err := ifMatch(c)
	return id, v, err
}

func (r *resource[In, Out]) handleUpdate(s *Server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, v, err := r.target(c)
		if err != nil {
			return err
		}
		in, err := r.read(s, c)
		if err != nil {
			return err
		}
		fromBody := false
		if v == nil && r.bodyVersion != nil && r.bodyVersion(in) != nil {
			v, fromBody = r.bodyVersion(in), true
		}
		out, err := r.update(c.UserContext(), s.db(c), currentUser(c).ID, id, in, v)
		if errors.Is(err, store.ErrVersionConflict) && fromBody {
			return &Error{Status: http.StatusConflict, Code: "version_conflict",
				Message: fmt.Sprintf("it was changed since version %d that you edited; reload it and apply your change again", *v)}
		}
		if err != nil {
			return r.notFound(err)
		}
		setETag(c, r.version(out))
		return c.JSON(out)
	}
}

func (r *resource[In, Out]) handleDelete(s *Server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, v, err := r.target(c)
		if err != nil {
			return err
		}
		if err := r.delete(c.UserContext(), s.db(c), currentUser(c).ID, id, v); err != nil {
			return r.notFound(err)
		}
		return c.SendStatus(http.StatusNoContent)
	}
}

// notFound names what was not found; other errors pass through to the error handler.
func (r *resource[In, Out]) notFound(err error) error {
	if err == store.ErrNotFound { //nolint:errorlint // store returns the sentinel itself
		return notFound(r.what)
	}
	return err
}

// Sane bounds for dates a person can mean.
var earliest = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Server) logbookResource() *resource[store.LogbookInput, store.LogbookEntry] {
	return &resource[store.LogbookInput, store.LogbookEntry]{
		what: "logbook entry", path: "/api/logbook/entries",
		create: store.CreateLogbookEntry, get: store.GetLogbookEntry,
		update: store.UpdateLogbookEntry, delete: store.DeleteLogbookEntry,
		id:          func(e *store.LogbookEntry) uuid.UUID { return e.ID },
		version:     func(e *store.LogbookEntry) int { return e.Version },
		bodyVersion: func(in *store.LogbookInput) *int { return in.Version },
		check: func(ctx context.Context, s *Server, db store.DB, userID uuid.UUID, in *store.LogbookInput) error {
			if err := s.checkPracticedAt(in.PracticedAt); err != nil {
				return err
			}
			return checkGoalLinks(ctx, db, userID, in.GoalIDs)
		},
	}
}

func (s *Server) repertoireResource() *resource[store.RepertoireInput, store.RepertoireItem] {
	return &resource[store.RepertoireInput, store.RepertoireItem]{
		what: "repertoire item", path: "/api/repertoire",
		create: store.CreateRepertoireItem, get: store.GetRepertoireItem,
		update: store.UpdateRepertoireItem, delete: store.DeleteRepertoireItem,
		id:          func(e *store.RepertoireItem) uuid.UUID { return e.ID },
		version:     func(e *store.RepertoireItem) int { return e.Version },
		bodyVersion: func(in *store.RepertoireInput) *int { return in.Version },
	}
}

func (s *Server) goalResource() *resource[store.GoalInput, store.Goal] {
	return &resource[store.GoalInput, store.Goal]{
		what: "goal", path: "/api/goals",
		create: store.CreateGoal, get: store.GetGoal, update: store.UpdateGoal, delete: store.DeleteGoal,
		id:          func(e *store.Goal) uuid.UUID { return e.ID },
		version:     func(e *store.Goal) int { return e.Version },
		bodyVersion: func(in *store.GoalInput) *int { return in.Version },
		check: func(_ context.Context, s *Server, _ store.DB, _ uuid.UUID, in *store.GoalInput) error {
			if in.DueDate != nil && (in.DueDate.Before(earliest) || in.DueDate.After(s.now().AddDate(100, 0, 0))) {
				return invalid("due_date must be between 1900 and a hundred years from now",
					FieldError{Field: "due_date", Message: "out of range"})
			}
			return nil
		},
	}
}

func (s *Server) checkPracticedAt(at time.Time) error {
	if at.After(s.now().Add(24 * time.Hour)) {
		return invalid("practiced_at cannot be more than a day in the future",
			FieldError{Field: "practiced_at", Message: "is in the future"})
	}
	if at.Before(earliest) {
		return invalid("practiced_at must be after 1900", FieldError{Field: "practiced_at", Message: "is too early"})
	}
	return nil
}

// checkGoalLinks refuses links to goals that are not the user's.
func checkGoalLinks(ctx context.Context, db store.DB, userID uuid.UUID, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	n, err := store.CountOwnedGoals(ctx, db, userID, ids)
	if err != nil {
		return err
	}
	if n != len(uniq(ids)) {
		return invalid("goal_ids names a goal you do not have", FieldError{Field: "goal_ids", Message: "unknown goal"})
	}
	return nil
}

func uniq(ids []uuid.UUID) map[uuid.UUID]struct{} {
	m := make(map[uuid.UUID]struct{}, len(ids))
	for _, id := range ids {
		m[id] = struct{}{}
	}
	return m
}

func (s *Server) listLogbook(c *fiber.Ctx) error {
	limit, cursor, sort, err := listParams(c, store.LogbookSorts())
	if err != nil {
		return err
	}
	f := store.LogbookFilter{Limit: limit, Cursor: cursor, Sort: sort,
		Instrument: c.Query("instrument"), Piece: c.Query("piece"), Tag: c.Query("tag")}
	if f.Type, err = enumQuery(c, "type", "practice", "performance", "lesson", "rehearsal", "technique", "other"); err != nil {
		return err
	}
	if f.From, err = timeQuery(c, "from"); err != nil {
		return err
	}
	if f.To, err = timeQuery(c, "to"); err != nil {
		return err
	}
	p, err := store.ListLogbookEntries(c.UserContext(), s.pool, currentUser(c).ID, f)
	if err != nil {
		return err
	}
	return streamJSON(c, p)
}

func (s *Server) listRepertoire(c *fiber.Ctx) error {
	limit, cursor, sort, err := listParams(c, store.RepertoireSorts())
	if err != nil {
		return err
	}
	f := store.RepertoireFilter{Limit: limit, Cursor: cursor, Sort: sort, Composer: c.Query("composer")}
	if f.Status, err = enumQuery(c, "status", "planned", "learning", "polished", "performance_ready", "dropped"); err != nil {
		return err
	}
	p, err := store.ListRepertoireItems(c.UserContext(), s.pool, currentUser(c).ID, f)
	if err != nil {
		return err
	}
	return streamJSON(c, p)
}

func (s *Server) listGoals(c *fiber.Ctx) error {
	limit, cursor, sort, err := listParams(c, store.GoalSorts())
	if err != nil {
		return err
	}
	f := store.GoalFilter{Limit: limit, Cursor: cursor, Sort: sort}
	if f.Status, err = enumQuery(c, "status", "active", "completed", "abandoned"); err != nil {
		return err
	}
	if f.Type, err = enumQuery(c, "type", "practice_time", "repertoire", "tempo", "custom"); err != nil {
		return err
	}
	p, err := store.ListGoals(c.UserContext(), s.pool, currentUser(c).ID, f)
	if err != nil {
		return err
	}
	return streamJSON(c, p)
}

func (s *Server) addGoalProgress(c *fiber.Ctx) error {
	id, err := pathID(c, "goal")
	if err != nil {
		return err
	}
	var in store.ProgressInput
	if err := s.decode(c, &in); err != nil {
		return err
	}
	if in.RecordedAt != nil && (in.RecordedAt.After(s.now().Add(24*time.Hour)) || in.RecordedAt.Before(earliest)) {
		return invalid("recorded_at must be between 1900 and tomorrow", FieldError{Field: "recorded_at", Message: "out of range"})
	}
	g, err := store.AddGoalProgress(c.UserContext(), s.db(c), currentUser(c).ID, id, &in, s.now())
	if err == store.ErrNotFound { //nolint:errorlint // store returns the sentinel itself
		return notFound("goal")
	}
	if err != nil {
		return err
	}
	setETag(c, g.Version)
	return c.Status(http.StatusCreated).JSON(g)
}
