package api

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/account"
	"github.com/mirubato/mirubato/pipelines/analytics"
)

func (s *Server) getMe(c *fiber.Ctx) error {
	u := currentUser(c)
	setETag(c, u.Version)
	return c.JSON(u)
}

func (s *Server) updateMe(c *fiber.Ctx) error {
	var in store.ProfileInput
	if err := s.decode(c, &in); err != nil {
		return err
	}
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	// A new timezone moves every practice day: the rollups are redone in the same transaction.
	var u *store.User
	ctx := c.UserContext()
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if u, err = store.UpdateProfile(ctx, tx, currentUser(c).ID, &in, v); err != nil {
			return err
		}
		return analytics.EnqueueTx(ctx, tx, s.river, u.ID)
	})
	if err != nil {
		return err
	}
	setETag(c, u.Version)
	return c.JSON(u)
}

// preferences is a free-form JSON object the clients own (theme, metronome, …), bounded in size.
type preferences map[string]any

const maxPreferencesBytes = 16 << 10

func (s *Server) getPreferences(c *fiber.Ctx) error {
	p, err := store.Preferences(c.UserContext(), s.pool, currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(preferences(p))
}

func (s *Server) putPreferences(c *fiber.Ctx) error {
	if len(c.Body()) > maxPreferencesBytes {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: "preferences are limited to 16 KiB"}
	}
	var p preferences
	if err := s.decode(c, &p); err != nil {
		return err
	}
	if p == nil {
		return badRequest("preferences must be a JSON object")
	}
	out, err := store.SetPreferences(c.UserContext(), s.db(c), currentUser(c).ID, p)
	if err != nil {
		return err
	}
	return c.JSON(preferences(out))
}

type deletionResponse struct {
	Status string `json:"status"`
}

// deleteMe hides the account and revokes its sessions at once, and enqueues the job that
// deletes its data, in one transaction. Asking again answers the same.
func (s *Server) deleteMe(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := store.MarkUserDeleted(ctx, tx, u.ID); errors.Is(err, store.ErrNotFound) {
			return nil // deleted by its job since this request was authenticated: done already
		} else if err != nil {
			return err
		}
		_, err := s.river.InsertTx(ctx, tx, account.DeleteArgs{UserID: u.ID}, nil)
		return err
	})
	if err != nil {
		return err
	}
	s.clearCookies(c)
	return c.Status(http.StatusAccepted).JSON(deletionResponse{Status: "deletion_scheduled"})
}
