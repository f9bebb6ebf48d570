package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/store"
)

// collectionResponse is a collection with its scores, in order.
type collectionResponse struct {
	store.Collection
	Scores []store.Score `json:"scores"`
}

type addScoreRequest struct {
	ScoreID uuid.UUID `json:"score_id" validate:"required"`
}

type reorderRequest struct {
	ScoreIDs []uuid.UUID `json:"score_ids" validate:"max=1000"`
}

type favoritesResponse struct {
	Scores []store.Score `json:"scores"`
}

func (s *Server) collectionResource() *resource[store.CollectionInput, store.Collection] {
	return &resource[store.CollectionInput, store.Collection]{
		what: "collection", path: "/api/collections",
		create: func(ctx context.Context, db store.DB, userID, _ uuid.UUID, in *store.CollectionInput) (*store.Collection, error) {
			return store.CreateCollection(ctx, db, userID, in)
		},
		get:         store.GetCollection,
		update:      store.UpdateCollection,
		delete:      store.DeleteCollection,
		id:          func(c *store.Collection) uuid.UUID { return c.ID },
		version:     func(c *store.Collection) int { return c.Version },
		bodyVersion: func(in *store.CollectionInput) *int { return in.Version },
	}
}

func (s *Server) listCollections(c *fiber.Ctx) error {
	limit, cursor, _, err := listParams(c, nil)
	if err != nil {
		return err
	}
	p, err := store.ListCollections(c.UserContext(), s.pool, currentUser(c).ID, limit, cursor)
	if err != nil {
		return err
	}
	return streamJSON(c, p)
}

// getCollection answers with the collection and its scores.
func (s *Server) getCollection(c *fiber.Ctx) error {
	id, err := pathID(c, "collection")
	if err != nil {
		return err
	}
	viewer := currentUser(c).ID
	col, err := store.GetCollection(c.UserContext(), s.db(c), viewer, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("collection")
	}
	if err != nil {
		return err
	}
	scores, err := store.CollectionScores(c.UserContext(), s.db(c), &viewer, id)
	if err != nil {
		return err
	}
	setETag(c, col.Version)
	return c.JSON(collectionResponse{Collection: *col, Scores: scores})
}

// publicCollection is a public collection by its slug, for anyone: only its public and
// unlisted ready scores.
func (s *Server) publicCollection(c *fiber.Ctx) error {
	col, err := store.PublicCollection(c.UserContext(), s.pool, c.Params("slug"))
	if errors.Is(err, store.ErrNotFound) {
		return notFound("collection")
	}
	if err != nil {
		return err
	}
	scores, err := store.CollectionScores(c.UserContext(), s.pool, nil, col.ID)
	if err != nil {
		return err
	}
	col.ScoreCount = len(scores)
	return c.JSON(collectionResponse{Collection: *col, Scores: scores})
}

// changeCollection runs a change of a collection's scores in a transaction and answers with
// the collection as it is then.
func (s *Server) changeCollection(c *fiber.Ctx, change func(tx pgx.Tx, userID, id uuid.UUID) error) error {
	id, err := pathID(c, "collection")
	if err != nil {
		return err
	}
	userID := currentUser(c).ID
	err = pgx.BeginFunc(c.UserContext(), s.db(c), func(tx pgx.Tx) error { return change(tx, userID, id) })
	switch {
	case errors.Is(err, store.ErrNotFound):
		return notFound("collection")
	case errors.Is(err, store.ErrScoreNotVisible):
		return invalid("no such score", FieldError{Field: "score_id", Message: "not a score you can see"})
	case errors.Is(err, store.ErrNotAPermutation):
		return invalid(store.ErrNotAPermutation.Error(), FieldError{Field: "score_ids", Message: "not the collection's scores"})
	case err != nil:
		return err
	}
	return s.getCollection(c)
}

func (s *Server) addToCollection(c *fiber.Ctx) error {
	var in addScoreRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	return s.changeCollection(c, func(tx pgx.Tx, userID, id uuid.UUID) error {
		return store.AddToCollection(c.UserContext(), tx, userID, id, in.ScoreID)
	})
}

func (s *Server) removeFromCollection(c *fiber.Ctx) error {
	scoreID, err := uuid.Parse(c.Params("score"))
	if err != nil {
		return notFound("score")
	}
	return s.changeCollection(c, func(tx pgx.Tx, userID, id uuid.UUID) error {
		err := store.RemoveFromCollection(c.UserContext(), tx, userID, id, scoreID)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("score in this collection")
		}
		return err
	})
}

func (s *Server) reorderCollection(c *fiber.Ctx) error {
	var in reorderRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	return s.changeCollection(c, func(tx pgx.Tx, userID, id uuid.UUID) error {
		return store.ReorderCollection(c.UserContext(), tx, userID, id, in.ScoreIDs)
	})
}

func (s *Server) setFavorite(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "score")
		if err != nil {
			return err
		}
		if err := store.SetFavorite(c.UserContext(), s.db(c), currentUser(c).ID, id, on); errors.Is(err, store.ErrNotFound) {
			return notFound("score")
		} else if err != nil {
			return err
		}
		return c.SendStatus(http.StatusNoContent)
	}
}

func (s *Server) favorites(c *fiber.Ctx) error {
	out, err := store.Favorites(c.UserContext(), s.pool, currentUser(c).ID)
	if err != nil {
		return err
	}
	return streamJSON(c, favoritesResponse{Scores: out})
}
