package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/mirubato/mirubato/internal/store"
)

func (s *Server) export(c *fiber.Ctx) error {
	// One snapshot: the document is exactly the state at its sync_cursor, which a device
	// re-reading its account (a new one, or one whose cursor was pruned) syncs on from.
	var ex *store.Export
	err := pgx.BeginTxFunc(c.UserContext(), s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			ex, err = store.ExportAccount(c.UserContext(), tx, currentUser(c).ID, s.now())
			return err
		})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="mirubato-export.json"`)
	return c.JSON(ex)
}

func (s *Server) exportLogbookCSV(c *fiber.Ctx) error {
	entries, err := store.AllLogbookEntries(c.UserContext(), s.pool, currentUser(c).ID)
	if err != nil {
		return err
	}
	rows := [][]string{{"id", "practiced_at", "duration_minutes", "type", "instrument", "pieces", "composers",
		"techniques", "mood", "tags", "notes"}}
	for _, e := range entries {
		titles := make([]string, len(e.Pieces))
		composers := make([]string, len(e.Pieces))
		for i, p := range e.Pieces {
			titles[i], composers[i] = p.Title, p.Composer
		}
		mood := ""
		if e.Mood != nil {
			mood = *e.Mood
		}
		rows = append(rows, []string{e.ID.String(), e.PracticedAt.UTC().Format(time.RFC3339), strconv.Itoa(e.DurationMinutes),
			e.Type, csvSafe(e.Instrument), csvSafe(strings.Join(titles, "; ")), csvSafe(strings.Join(composers, "; ")),
			csvSafe(strings.Join(e.Techniques, "; ")), mood, csvSafe(strings.Join(e.Tags, "; ")), csvSafe(e.Notes)})
	}
	return sendCSV(c, "mirubato-logbook.csv", rows)
}

// sendCSV answers rows as a CSV attachment named name.
func sendCSV(c *fiber.Ctx, name string, rows [][]string) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	if err := csv.NewWriter(c.Response().BodyWriter()).WriteAll(rows); err != nil {
		return fmt.Errorf("error writing CSV: %w", err)
	}
	return nil
}

// csvSafe keeps spreadsheet programs from running a cell that starts like a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// maxImportRows bounds one import (the body limit bounds it too).
const maxImportRows = 20000

// importAccount writes an export document into the account, all or nothing. Rows are
// matched by id, so importing the same document twice changes nothing the second time.
func (s *Server) importAccount(c *fiber.Ctx) error {
	var ex store.Export
	if err := s.decode(c, &ex); err != nil {
		return err
	}
	if ex.Format != store.ExportFormat || ex.Version != store.ExportVersion {
		return invalid(fmt.Sprintf("this is not a Mirubato export (format %q, version %d expected)", store.ExportFormat, store.ExportVersion))
	}
	if n := len(ex.Logbook) + len(ex.Repertoire) + len(ex.Goals); n > maxImportRows {
		return invalid(fmt.Sprintf("an import takes at most %d rows; this one has %d", maxImportRows, n))
	}
	// Validate every row as if it were written through the API, before writing any.
	logbook := make([]store.LogbookInput, len(ex.Logbook))
	for i, e := range ex.Logbook {
		logbook[i] = store.LogbookInput{PracticedAt: e.PracticedAt, DurationMinutes: e.DurationMinutes, Type: e.Type,
			Instrument: e.Instrument, Pieces: e.Pieces, Techniques: e.Techniques, Mood: e.Mood, Notes: e.Notes,
			Tags: e.Tags, GoalIDs: e.GoalIDs}
		where := fmt.Sprintf("logbook[%d]", i)
		if err := s.checkImported(where, e.ID, &logbook[i]); err != nil {
			return err
		}
		if err := s.checkPracticedAt(e.PracticedAt); err != nil {
			return prefixed(where, err)
		}
	}
	repertoire := make([]store.RepertoireInput, len(ex.Repertoire))
	for i, r := range ex.Repertoire {
		repertoire[i] = store.RepertoireInput{Title: r.Title, Composer: r.Composer, ScoreID: r.ScoreID, Status: r.Status,
			Difficulty: r.Difficulty, TargetTempo: r.TargetTempo, CurrentTempo: r.CurrentTempo, Notes: r.Notes, Links: r.Links}
		if err := s.checkImported(fmt.Sprintf("repertoire[%d]", i), r.ID, &repertoire[i]); err != nil {
			return err
		}
	}
	goals := make([]store.GoalInput, len(ex.Goals))
	for i, g := range ex.Goals {
		goals[i] = store.GoalInput{Title: g.Title, Description: g.Description, Type: g.Type, TargetValue: g.TargetValue,
			CurrentValue: g.CurrentValue, Unit: g.Unit, DueDate: g.DueDate, Status: g.Status}
		where := fmt.Sprintf("goals[%d]", i)
		if err := s.checkImported(where, g.ID, &goals[i]); err != nil {
			return err
		}
		if err := s.goalResource().check(c.UserContext(), s, s.db(c), uuid.Nil, &goals[i]); err != nil {
			return prefixed(where, err)
		}
		for j, p := range g.Progress {
			if err := s.checkProgress(fmt.Sprintf("%s.progress[%d]", where, j), p); err != nil {
				return err
			}
		}
	}
	if ex.Preferences != nil {
		if b, err := json.Marshal(ex.Preferences); err != nil || len(b) > maxPreferencesBytes {
			return invalid("preferences are limited to 16 KiB")
		}
	}

	ctx := c.UserContext()
	userID := currentUser(c).ID
	var res store.ImportResult
	count := func(ok bool, n *int) {
		if ok {
			*n++
		} else {
			res.Skipped++
		}
	}
	err := pgx.BeginFunc(ctx, s.db(c), func(tx pgx.Tx) error {
		// Goals first: logbook entries may link to them.
		for i := range goals {
			ok, err := store.ImportGoal(ctx, tx, userID, ex.Goals[i].ID, &goals[i], ex.Goals[i].Progress)
			if err != nil {
				return err
			}
			count(ok, &res.Goals)
		}
		for i := range repertoire {
			ok, err := store.ImportRepertoireItem(ctx, tx, userID, ex.Repertoire[i].ID, &repertoire[i])
			if err != nil {
				return err
			}
			count(ok, &res.Repertoire)
		}
		for i := range logbook {
			ok, err := store.ImportLogbookEntry(ctx, tx, userID, ex.Logbook[i].ID, &logbook[i])
			if err != nil {
				return err
			}
			// A written entry may link only the user's goals (imported ones included): checked
			// in the transaction, which a refusal rolls back whole.
			if ok {
				if err := checkGoalLinks(ctx, tx, userID, logbook[i].GoalIDs); err != nil {
					return prefixed(fmt.Sprintf("logbook[%d]", i), err)
				}
			}
			count(ok, &res.Logbook)
		}
		if ex.Preferences != nil {
			if _, err := store.SetPreferences(ctx, tx, userID, ex.Preferences); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// checkImported validates one imported row, naming where it is in the document.
func (s *Server) checkImported(where string, id uuid.UUID, in any) error {
	if id == uuid.Nil {
		return invalid(where + ".id is required")
	}
	return prefixed(where, s.validate(in))
}

// checkProgress validates an imported progress entry as POST /api/goals/:id/progress would.
func (s *Server) checkProgress(where string, p store.GoalProgress) error {
	if p.ID == uuid.Nil {
		return invalid(where + ".id is required")
	}
	in := store.ProgressInput{Value: p.Value, Note: p.Note, RecordedAt: &p.RecordedAt}
	if err := s.validate(&in); err != nil {
		return prefixed(where, err)
	}
	if p.RecordedAt.Before(earliest) || p.RecordedAt.After(s.now().Add(24*time.Hour)) {
		return invalid(where + ".recorded_at must be between 1900 and tomorrow")
	}
	return nil
}

// prefixed names where in a document a validation error is.
func prefixed(where string, err error) error {
	if apiErr, ok := err.(*Error); ok { //nolint:errorlint // our validators return *Error itself
		apiErr.Message = where + "." + apiErr.Message
		for i := range apiErr.Details {
			apiErr.Details[i].Field = where + "." + apiErr.Details[i].Field
		}
	}
	return err
}

func (s *Server) devMailbox(c *fiber.Ctx) error {
	if s.mailbox == nil {
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "mail is sent by SMTP here; there is no dev mailbox"}
	}
	return c.JSON(s.mailbox.Messages())
}
