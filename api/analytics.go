package api

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mirubato/mirubato/internal/store"
)

// Practice statistics, read from the rollups the analytics pipeline keeps. Every endpoint
// answers JSON, or CSV with format=csv. Days are the user's local days (their timezone).

// The longest spans of summaries grouped by day, week and month (every period is a row).
const (
	maxDaySpan   = 3660
	maxWeekSpan  = 1000
	maxMonthSpan = 1200
)

// wantsCSV reads the format parameter.
func wantsCSV(c *fiber.Ctx) (bool, error) {
	f, err := enumQuery(c, "format", "json", "csv")
	return f == "csv", err
}

// dateQuery reads an optional YYYY-MM-DD parameter.
func dateQuery(c *fiber.Ctx, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil //nolint:nilnil // absent
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil || t.Before(earliest) || t.Year() > 9999 {
		return nil, invalid(name+" must be a date like 2026-11-23, after 1900", FieldError{Field: name, Message: "not a date"})
	}
	return &t, nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func dateText(d *store.Date) string {
	if d == nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

func (s *Server) practiceSummary(c *fiber.Ctx) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	groupBy, err := enumQuery(c, "group_by", store.GroupBys()...)
	if err != nil {
		return err
	}
	if groupBy == "" {
		groupBy = "day"
	}
	from, err := dateQuery(c, "from")
	if err != nil {
		return err
	}
	to, err := dateQuery(c, "to")
	if err != nil {
		return err
	}
	ctx, user := c.UserContext(), currentUser(c)
	if to == nil {
		today, err := store.LocalToday(ctx, s.pool, user.ID, s.now())
		if err != nil {
			return err
		}
		to = &today
	}
	if from == nil {
		f := to.AddDate(0, 0, -29)
		from = &f
	}
	if from.After(*to) {
		return invalid("from must not be after to", FieldError{Field: "from", Message: "after to"})
	}
	days := int(to.Sub(*from).Hours()/24) + 1
	switch {
	case groupBy == "day" && days > maxDaySpan:
		return invalid(fmt.Sprintf("grouped by day, a summary spans at most %d days: group by week or month", maxDaySpan),
			FieldError{Field: "from", Message: "span too long"})
	case groupBy == "week" && days > maxWeekSpan*7:
		return invalid(fmt.Sprintf("grouped by week, a summary spans at most %d weeks: group by month", maxWeekSpan),
			FieldError{Field: "from", Message: "span too long"})
	case groupBy == "month" && days > maxMonthSpan*31:
		return invalid(fmt.Sprintf("grouped by month, a summary spans at most %d months", maxMonthSpan),
			FieldError{Field: "from", Message: "span too long"})
	}
	sum, err := store.Summary(ctx, s.pool, user.ID, *from, *to, groupBy)
	if err != nil {
		return err
	}
	if !asCSV {
		return c.JSON(sum)
	}
	head := []string{groupBy, "label", "minutes", "sessions"}
	switch groupBy {
	case "piece":
		head = []string{"piece", "title", "composer", "minutes", "sessions"}
	case "week", "month":
		head = append(head, "days")
	}
	rows := [][]string{head}
	for _, g := range sum.Groups {
		row := []string{csvSafe(g.Key), csvSafe(g.Label)}
		if groupBy == "piece" {
			row = append(row, csvSafe(g.Composer))
		}
		row = append(row, num(g.Minutes), strconv.Itoa(g.Sessions))
		if g.Days != nil {
			row = append(row, strconv.Itoa(*g.Days))
		}
		rows = append(rows, row)
	}
	return sendCSV(c, fmt.Sprintf("mirubato-practice-by-%s-%s-%s.csv", groupBy,
		from.Format(time.DateOnly), to.Format(time.DateOnly)), rows)
}

func (s *Server) practiceStreaks(c *fiber.Ctx) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	st, err := store.UserStreaks(c.UserContext(), s.pool, currentUser(c).ID, s.now())
	if err != nil {
		return err
	}
	if !asCSV {
		return c.JSON(st)
	}
	return sendCSV(c, "mirubato-streaks.csv", [][]string{
		{"today", "current", "current_start", "longest", "longest_start", "longest_end", "last_practice_day"},
		{st.Today.Format(time.DateOnly), strconv.Itoa(st.Current), dateText(st.CurrentStart), strconv.Itoa(st.Longest),
			dateText(st.LongestStart), dateText(st.LongestEnd), dateText(st.LastPractice)},
	})
}

func (s *Server) practiceHeatmap(c *fiber.Ctx) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	ctx, user := c.UserContext(), currentUser(c)
	today, err := store.LocalToday(ctx, s.pool, user.ID, s.now())
	if err != nil {
		return err
	}
	year := today.Year()
	if v := c.Query("year"); v != "" {
		year, err = strconv.Atoi(v)
		if err != nil || year < earliest.Year() || year > today.Year()+1 {
			return invalid(fmt.Sprintf("year must be a year from %d to %d", earliest.Year(), today.Year()+1),
				FieldError{Field: "year", Message: "out of range"})
		}
	}
	h, err := store.UserHeatmap(ctx, s.pool, user.ID, year)
	if err != nil {
		return err
	}
	if !asCSV {
		return c.JSON(h)
	}
	rows := [][]string{{"date", "minutes", "sessions", "level"}}
	for _, d := range h.Days {
		rows = append(rows, []string{d.Date.Format(time.DateOnly), strconv.Itoa(d.Minutes), strconv.Itoa(d.Sessions), strconv.Itoa(d.Level)})
	}
	return sendCSV(c, fmt.Sprintf("mirubato-heatmap-%d.csv", year), rows)
}

func (s *Server) repertoireStats(c *fiber.Ctx) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "repertoire item")
	if err != nil {
		return err
	}
	st, err := store.RepertoireStats(c.UserContext(), s.pool, currentUser(c).ID, id)
	if err == store.ErrNotFound { //nolint:errorlint // store returns the sentinel itself
		return notFound("repertoire item")
	}
	if err != nil {
		return err
	}
	if !asCSV {
		return c.JSON(st)
	}
	last := ""
	if st.LastPracticedAt != nil {
		last = st.LastPracticedAt.UTC().Format(time.RFC3339)
	}
	return sendCSV(c, "mirubato-piece-"+id.String()+".csv", [][]string{
		{"title", "composer", "sessions", "minutes", "average_minutes", "first_practice_day", "last_practiced_at"},
		{csvSafe(st.Title), csvSafe(st.Composer), strconv.Itoa(st.Sessions), num(st.Minutes), num(st.AverageMinutes),
			dateText(st.FirstPracticed), last},
	})
}
