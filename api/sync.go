package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/analytics"
	"github.com/mirubato/mirubato/pipelines/fanout"
)

// syncPage is the most changes one pull, BULK_SYNC or CHANGES message carries.
const syncPage = 250

// deviceIDPattern is what a device id may be: what clients generate (UUIDs, installation ids).
var deviceIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

// afterWrite inserts, in the transaction that wrote a user's synced data, the jobs that
// follow from it: the fan-out to the user's devices, and the rollups of practice days the
// writes changed.
func (s *Server) afterWrite(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
	if _, err := s.river.InsertTx(ctx, tx, fanout.Args{UserID: userID}, nil); err != nil {
		return fmt.Errorf("error inserting the fan-out job: %w", err)
	}
	return analytics.EnqueueTx(ctx, tx, s.river, userID)
}

// syncChange is one change a device pushes.
type syncChange struct {
	ClientChangeID string `json:"client_change_id" validate:"required,max=100"`
	Entity         string `json:"entity" validate:"required,oneof=logbook_entry repertoire_item goal preferences favorite"`
	ID             string `json:"id" validate:"required,max=100"`
	Op             string `json:"op" validate:"required,oneof=upsert delete"`
	// BaseVersion is the entity's version the device edited (0 or absent: it had none).
	BaseVersion int `json:"base_version" validate:"min=0"`
	// ClientTS is when the device made the change, by its clock: it decides conflicts.
	ClientTS time.Time `json:"client_ts" validate:"required"`
	// Fields, for an upsert of an entity that existed, are the fields the device changed:
	// a conflict is then resolved field by field.
	Fields []string        `json:"fields,omitempty" validate:"max=50,dive,max=100"`
	Data   json.RawMessage `json:"data,omitempty" swaggertype:"object"`

	device string // the pushing device (the connection's, not the message's)
}

// decodeChange reads one pushed change and checks it as the REST push would (text, then
// fields, then ranges); problem is why it can never be applied. ch carries what could be
// read of it (its ids) either way.
func (s *Server) decodeChange(data json.RawMessage) (ch syncChange, problem string) {
	if err := checkJSONText(data); err != nil {
		_ = json.Unmarshal(bytes.ToValidUTF8(data, nil), &ch) // for its ids only
		return ch, err.Error()
	}
	if err := json.Unmarshal(data, &ch); err != nil {
		var ids struct {
			ClientChangeID string `json:"client_change_id"`
			Entity         string `json:"entity"`
			ID             string `json:"id"`
		}
		_ = json.Unmarshal(data, &ids)
		ch = syncChange{ClientChangeID: ids.ClientChangeID, Entity: ids.Entity, ID: ids.ID}
		return ch, jsonProblem(err)
	}
	if err := s.validate(&ch); err != nil {
		return ch, err.Error()
	}
	return ch, ""
}

// result is the start of a change's result: which change it is.
func (ch *syncChange) result() pushResult {
	return pushResult{ClientChangeID: ch.ClientChangeID, Entity: ch.Entity, ID: ch.ID}
}

// pushResult is what became of a pushed change.
type pushResult struct {
	ClientChangeID string `json:"client_change_id"`
	Entity         string `json:"entity"`
	ID             string `json:"id"`
	// Status: applied; merged (field by field, LostFields kept the other device's values);
	// conflict (another device's newer change won: State is the winning state, null when
	// the entity was deleted); rejected (the change is invalid: Error says why).
	Status     string          `json:"status"`
	Version    *int            `json:"version,omitempty"`
	State      json.RawMessage `json:"state,omitempty"`
	LostFields []string        `json:"lost_fields,omitempty"`
	Error      string          `json:"error,omitempty"`
}

type pushRequest struct {
	DeviceID string       `json:"device_id" validate:"required,max=100"`
	Changes  []syncChange `json:"changes" validate:"required,min=1,max=100,dive"`
}

type pushResponse struct {
	Applied   []pushResult `json:"applied"`
	Conflicts []pushResult `json:"conflicts"`
	Cursor    int64        `json:"cursor"`
}

// applyChanges applies a device's pushed changes in order, each in its own transaction with
// its fan-out job; a change already applied (same device and client change id) is answered
// as it was the first time.
func (s *Server) applyChanges(ctx context.Context, user *store.User, device string, changes []syncChange) (pushResponse, error) {
	out := pushResponse{Applied: []pushResult{}, Conflicts: []pushResult{}}
	for i := range changes {
		r, err := s.applyChange(ctx, user, device, &changes[i])
		if store.BadValue(err) {
			// A value PostgreSQL refused that the checks let through: the change can never
			// apply, and retrying the push must not be asked for.
			s.logger.WarnContext(ctx, "pushed value refused by the database", slog.Any("error", err))
			r, err = changes[i].result().reject("a value of this change cannot be stored: a number out of range, or text that is not valid"), nil
		}
		if err != nil {
			return out, err
		}
		if r.Status == "applied" || r.Status == "merged" {
			out.Applied = append(out.Applied, r)
		} else {
			out.Conflicts = append(out.Conflicts, r)
		}
	}
	cursor, err := store.ChangeCursor(ctx, s.pool, user.ID)
	out.Cursor = cursor
	return out, err
}

func (s *Server) applyChange(ctx context.Context, user *store.User, device string, ch *syncChange) (pushResult, error) {
	// PostgreSQL keeps microseconds: the push is compared with stored times as it will be stored.
	ch.ClientTS = ch.ClientTS.Truncate(time.Microsecond)
	if stored, err := store.PushedResult(ctx, s.pool, user.ID, device, ch.ClientChangeID); err == nil {
		var r pushResult
		return r, json.Unmarshal(stored, &r)
	} else if !errors.Is(err, store.ErrNotFound) {
		return pushResult{}, err
	}
	var result pushResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := store.SetChangeOrigin(ctx, tx, device, ch.ClientTS); err != nil {
			return err
		}
		// One push of a user at a time: what a push reads (the entity, its changes, the
		// preferences) cannot change before it writes.
		if err := store.LockChanges(ctx, tx, user.ID); err != nil {
			return err
		}
		var err error
		ch.device = device
		if result, err = s.applyOne(ctx, tx, user, ch); err != nil {
			return err
		}
		first, err := store.RecordPush(ctx, tx, user.ID, device, ch.ClientChangeID, result)
		if err != nil {
			return err
		}
		if !first {
			return errDuplicatePush
		}
		if result.Status == "applied" || result.Status == "merged" {
			return s.afterWrite(ctx, tx, user.ID)
		}
		return nil
	})
	if errors.Is(err, errDuplicatePush) {
		// The same change, pushed twice at once: the other one applied it.
		stored, err := store.PushedResult(ctx, s.pool, user.ID, device, ch.ClientChangeID)
		if err != nil {
			return pushResult{}, err
		}
		var r pushResult
		return r, json.Unmarshal(stored, &r)
	}
	return result, err
}

var errDuplicatePush = errors.New("change already pushed")

func (s *Server) applyOne(ctx context.Context, tx pgx.Tx, user *store.User, ch *syncChange) (pushResult, error) {
	res := ch.result()
	switch ch.Entity {
	case "logbook_entry":
		return pushEntity(ctx, s, tx, user.ID, ch, res, s.logbookResource())
	case "repertoire_item":
		return pushEntity(ctx, s, tx, user.ID, ch, res, s.repertoireResource())
	case "goal":
		return pushEntity(ctx, s, tx, user.ID, ch, res, s.goalResource())
	case "favorite":
		id, err := uuid.Parse(ch.ID)
		if err != nil {
			return res.reject("id must be a score's id"), nil
		}
		res.ID = id.String()
		err = store.SetFavorite(ctx, tx, user.ID, id, ch.Op == "upsert")
		if errors.Is(err, store.ErrNotFound) {
			return res.reject("no such score"), nil
		}
		res.Status = "applied"
		return res, err
	case "preferences":
		// Preferences merge key by key: the keys pushed replace those keys (null removes).
		var keys map[string]any
		if ch.Op != "upsert" || json.Unmarshal(ch.Data, &keys) != nil || keys == nil {
			return res.reject("preferences are pushed as an upsert of an object of the keys that changed"), nil
		}
		prefs, err := store.Preferences(ctx, tx, user.ID)
		if err != nil {
			return res, err
		}
		for k, v := range keys {
			if v == nil {
				delete(prefs, k)
			} else {
				prefs[k] = v
			}
		}
		if b, _ := json.Marshal(prefs); len(b) > maxPreferencesBytes {
			return res.reject("preferences are at most 16 KiB"), nil
		}
		if _, err := store.SetPreferences(ctx, tx, user.ID, prefs); err != nil {
			return res, err
		}
		res.Status = "applied"
		return res, nil
	}
	return res.reject("this entity cannot be pushed"), nil
}

func (r pushResult) reject(why string) pushResult {
	r.Status, r.Error = "rejected", why
	return r
}

// pushEntity applies a pushed change of a versioned entity. The rule (docs/sync-protocol.md):
// a change made on the entity's current version applies; otherwise the changes made since
// that version decide, last writer wins by (client timestamp, device id) — field by field
// when the push lists its fields, else for the whole entity.
func pushEntity[In, Out any](ctx context.Context, s *Server, tx pgx.Tx, userID uuid.UUID, ch *syncChange, res pushResult, r *resource[In, Out]) (pushResult, error) {
	id, err := uuid.Parse(ch.ID)
	if err != nil {
		return res.reject("id must be a UUID"), nil
	}
	ch.ID, res.ID = id.String(), id.String() // as the change log writes it (lower case)
	current, err := r.get(ctx, tx, userID, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	exists := err == nil
	var later []store.Change // others' changes since the device's base version
	if (exists && r.version(current) != ch.BaseVersion) || (!exists && ch.BaseVersion > 0) {
		if later, err = store.ChangesOf(ctx, tx, userID, res.Entity, ch.ID, ch.BaseVersion); err != nil {
			return res, err
		}
	}
	pushWins := true
	for _, c := range later {
		pushWins = pushWins && newer(ch, c)
	}
	conflict := func() (pushResult, error) {
		res.Status = "conflict"
		if exists {
			v := r.version(current)
			res.Version = &v
			res.State, err = json.Marshal(current)
		}
		return res, err
	}
	done := func(out *Out) (pushResult, error) {
		if res.Status == "" {
			res.Status = "applied"
		}
		if out != nil {
			v := r.version(out)
			res.Version = &v
		}
		return res, nil
	}

	if ch.Op == "delete" {
		switch {
		case !exists:
			return done(nil) // gone already
		case r.version(current) == ch.BaseVersion || pushWins:
			if err := r.delete(ctx, tx, userID, id, nil); err != nil {
				return res, err
			}
			return done(nil)
		}
		return conflict()
	}

	in, problem := syncInput(ctx, s, tx, userID, ch.Data, r)
	if problem != "" {
		return res.reject(problem), nil
	}
	switch {
	case !exists && ch.BaseVersion > 0 && !pushWins:
		return conflict() // deleted by a newer change
	case !exists:
		var out *Out
		// In a savepoint: an id taken (by another user's row) must not abort the transaction.
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
			var err error
			out, err = r.create(ctx, sp, userID, id, in)
			return err
		})
		if isUniqueViolation(err) {
			return res.reject("this id is already taken"), nil
		}
		if err != nil {
			return res, err
		}
		return done(out)
	case r.version(current) == ch.BaseVersion || (pushWins && len(ch.Fields) == 0):
		out, err := r.update(ctx, tx, userID, id, in, nil)
		if err != nil {
			return res, err
		}
		return done(out)
	case len(ch.Fields) == 0:
		return conflict()
	}
	// Field by field: a field the push changed is kept unless a newer change changed it too.
	lost := map[string]bool{}
	for _, c := range later {
		if !newer(ch, c) {
			for _, f := range c.Fields {
				lost[f] = true
			}
			if c.Op == "delete" || c.Fields == nil {
				return conflict() // a newer change replaced or removed the whole entity
			}
		}
	}
	var pushed map[string]json.RawMessage
	if err := json.Unmarshal(ch.Data, &pushed); err != nil {
		return res.reject("data must be an object"), nil
	}
	merged := map[string]json.RawMessage{}
	cur, err := json.Marshal(current)
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal(cur, &merged); err != nil {
		return res, err
	}
	kept := 0
	for _, f := range ch.Fields {
		v, ok := pushed[f]
		switch {
		case lost[f]:
			res.LostFields = append(res.LostFields, f)
		case ok:
			merged[f] = v
			kept++
		default:
			delete(merged, f) // the device cleared it
			kept++
		}
	}
	if kept == 0 {
		return conflict()
	}
	data, err := json.Marshal(merged)
	if err != nil {
		return res, err
	}
	if in, problem = syncInput(ctx, s, tx, userID, data, r); problem != "" {
		return res.reject(problem), nil
	}
	out, err := r.update(ctx, tx, userID, id, in, nil)
	if err != nil {
		return res, err
	}
	slices.Sort(res.LostFields)
	if len(res.LostFields) > 0 {
		res.Status = "merged"
	}
	return done(out)
}

// syncInput decodes and checks a pushed entity as its REST endpoint would; problem says
// what is wrong with it.
func syncInput[In, Out any](ctx context.Context, s *Server, db store.DB, userID uuid.UUID, data json.RawMessage, r *resource[In, Out]) (*In, string) {
	var in In
	if len(data) == 0 || json.Unmarshal(data, &in) != nil {
		return nil, "data must be the entity as a JSON object"
	}
	if err := s.validate(&in); err != nil {
		return nil, err.Error()
	}
	if r.check != nil {
		if err := r.check(ctx, s, db, userID, &in); err != nil {
			return nil, err.Error()
		}
	}
	return &in, ""
}

// newer: the push was made after change c, by (client timestamp, device id): at the same
// instant the greater device id wins, so every server decides the same way.
func newer(ch *syncChange, c store.Change) bool {
	if !ch.ClientTS.Equal(c.ClientTS) {
		return ch.ClientTS.After(c.ClientTS)
	}
	return ch.device > c.DeviceID
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

func (s *Server) syncPush(c *fiber.Ctx) error {
	var in pushRequest
	if err := s.decode(c, &in); err != nil {
		return err
	}
	if !deviceIDPattern.MatchString(in.DeviceID) {
		return invalid("device_id must be 1 to 100 letters, digits or . _ : -", FieldError{Field: "device_id", Message: "not a device id"})
	}
	// Each change counts against the user's writes, as over the socket.
	if err := s.limitN(c, "writes:"+currentUser(c).ID.String(), len(in.Changes), writesPerUser, time.Minute); err != nil {
		return err
	}
	out, err := s.applyChanges(c.UserContext(), currentUser(c), in.DeviceID, in.Changes)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type pullResponse struct {
	Changes []store.Change `json:"changes"`
	Cursor  int64          `json:"cursor"` // pass as since for the next page
	More    bool           `json:"more"`
}

// syncPull is the REST catch-up: changes after since, a page at a time.
func (s *Server) syncPull(c *fiber.Ctx) error {
	since, err := intQuery(c, "since", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := intQuery(c, "limit", syncPage, 1, syncPage)
	if err != nil {
		return err
	}
	ctx, user := c.UserContext(), currentUser(c)
	changes, more, err := store.ChangesSince(ctx, s.pool, user.ID, int64(since), limit)
	if err != nil {
		return err
	}
	out := pullResponse{Changes: changes, Cursor: int64(since), More: more}
	if len(changes) > 0 {
		out.Cursor = changes[len(changes)-1].Seq
	} else if out.Changes == nil {
		out.Changes = []store.Change{}
	}
	if device := c.Query("device_id"); device != "" {
		if !deviceIDPattern.MatchString(device) {
			return invalid("device_id must be 1 to 100 letters, digits or . _ : -", FieldError{Field: "device_id", Message: "not a device id"})
		}
		if err := store.SeeDevice(ctx, s.pool, user.ID, device, "", int64(since)); err != nil {
			return err
		}
	}
	return c.JSON(out)
}

type syncStatus struct {
	Cursor     int64     `json:"cursor"`
	ServerTime time.Time `json:"server_time"`
}

func (s *Server) syncStatus(c *fiber.Ctx) error {
	cursor, err := store.ChangeCursor(c.UserContext(), s.pool, currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(syncStatus{Cursor: cursor, ServerTime: s.now().UTC()})
}

type devicesResponse struct {
	Devices []store.Device `json:"devices"`
}

func (s *Server) syncDevices(c *fiber.Ctx) error {
	devices, err := store.Devices(c.UserContext(), s.pool, currentUser(c).ID)
	if err != nil {
		return err
	}
	if devices == nil {
		devices = []store.Device{}
	}
	return c.JSON(devicesResponse{Devices: devices})
}
