package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The readers of the practice rollups (pipelines/analytics writes them). None of them reads
// the logbook itself: their cost depends on the span asked for, not on the history's length.

// GroupBys are the ways a summary can be grouped.
func GroupBys() []string {
	return []string{"day", "week", "month", "piece", "composer", "instrument", "type", "mood"}
}

// AnalyticsTotals are a span's totals.
type AnalyticsTotals struct {
	Minutes  int `json:"minutes"`
	Sessions int `json:"sessions"`
	Days     int `json:"days"` // days practiced
}

// AnalyticsGroup is one row of a summary: a day, week or month (Key is its first day), or a
// piece, composer, instrument, type or mood (Key is its folded name).
type AnalyticsGroup struct {
	Key      string  `json:"key"`
	Label    string  `json:"label"`
	Composer string  `json:"composer,omitempty"` // pieces
	Minutes  float64 `json:"minutes"`            // pieces and composers: shares of entries, to 0.1
	Sessions int     `json:"sessions"`
	Days     *int    `json:"days,omitempty"` // weeks and months: days practiced
}

// AnalyticsSummary is a span's practice, grouped.
type AnalyticsSummary struct {
	From    Date             `json:"from"`
	To      Date             `json:"to"`
	GroupBy string           `json:"group_by"`
	Totals  AnalyticsTotals  `json:"totals"`
	Groups  []AnalyticsGroup `json:"groups"`
	// Pending: some changes are not rolled up yet (they will be within moments).
	Pending bool `json:"pending"`
}

// LocalToday returns the user's current day in their timezone, by PostgreSQL's clock rules.
func LocalToday(ctx context.Context, db DB, userID uuid.UUID, now time.Time) (time.Time, error) {
	var d time.Time
	err := db.QueryRow(ctx, `SELECT ($2::timestamptz AT TIME ZONE timezone)::date FROM users WHERE id = $1`, userID, now).Scan(&d)
	if err == pgx.ErrNoRows { //nolint:errorlint // pgx returns the sentinel itself
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("error reading the user's day: %w", err)
	}
	return d, nil
}

func rollupPending(ctx context.Context, db DB, userID uuid.UUID) (bool, error) {
	var pending bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM analytics_dirty WHERE user_id = $1)`, userID).Scan(&pending); err != nil {
		return false, fmt.Errorf("error reading rollup state: %w", err)
	}
	return pending, nil
}

// oneDecimal rounds a share of minutes for display.
func oneDecimal(f float64) float64 { return math.Round(f*10) / 10 }

// summaryGroups are the queries of a summary's groups by grouping ($1 user, $2 from, $3 to,
// $4 grouping), each with the order of its rows.
func summaryGroups(groupBy string) (query, order string) {
	switch groupBy {
	case "day":
		return `
			SELECT to_char(g, 'YYYY-MM-DD') AS key, to_char(g, 'YYYY-MM-DD') AS label, '' AS composer,
				coalesce(d.minutes, 0)::float8 AS minutes, coalesce(d.sessions, 0) AS sessions, NULL::int AS days
			FROM generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') g
			LEFT JOIN practice_days d ON d.user_id = $1 AND d.day = g::date`, "g.key"
	case "week", "month":
		// Whole periods come from their summaries; the partial ones at the edges of the span
		// from their days.
		return `
			WITH p AS (
				SELECT g::date AS start, (g + ('1 ' || $4)::interval)::date - 1 AS last
				FROM generate_series(date_trunc($4, $2::date::timestamp), $3::date::timestamp, ('1 ' || $4)::interval) g
			)
			SELECT to_char(p.start, 'YYYY-MM-DD') AS key,
				CASE WHEN $4 = 'week' THEN to_char(p.start, 'IYYY-"W"IW') ELSE to_char(p.start, 'YYYY-MM') END AS label,
				'' AS composer, coalesce(r.minutes, part.minutes, 0)::float8 AS minutes,
				coalesce(r.sessions, part.sessions, 0)::int AS sessions, coalesce(r.days, part.days, 0)::int AS days
			FROM p
			LEFT JOIN practice_periods r ON p.start >= $2 AND p.last <= $3
				AND r.user_id = $1 AND r.period = $4 AND r.start = p.start
			LEFT JOIN LATERAL (
				SELECT sum(d.minutes) AS minutes, sum(d.sessions) AS sessions, count(*) AS days
				FROM practice_days d
				WHERE NOT (p.start >= $2 AND p.last <= $3)
					AND d.user_id = $1 AND d.day BETWEEN greatest(p.start, $2) AND least(p.last, $3)
			) part ON true`, "g.key"
	default:
		return `
			SELECT key, min(label) AS label, min(detail) AS composer, sum(minutes)::float8 AS minutes,
				sum(sessions)::int AS sessions, NULL::int AS days
			FROM practice_day_facets
			WHERE user_id = $1 AND dimension = $4 AND day BETWEEN $2 AND $3
			GROUP BY key`, "g.minutes DESC, g.key"
	}
}

// Summary returns userID's practice on days from..to (their local days), grouped by groupBy
// (one of GroupBys). Days, weeks and months include the ones without practice. One statement,
// so one snapshot: Pending is true exactly when a change before it is not in the figures.
func Summary(ctx context.Context, db DB, userID uuid.UUID, from, to time.Time, groupBy string) (*AnalyticsSummary, error) {
	s := &AnalyticsSummary{From: Date{from}, To: Date{to}, GroupBy: groupBy, Groups: []AnalyticsGroup{}}
	groups, order := summaryGroups(groupBy)
	args := []any{userID, from, to}
	if strings.Contains(groups, "$4") {
		args = append(args, groupBy)
	}
	rows, err := db.Query(ctx, `
		WITH t AS (
			SELECT coalesce(sum(minutes), 0)::int AS minutes, coalesce(sum(sessions), 0)::int AS sessions, count(*)::int AS days
			FROM practice_days WHERE user_id = $1 AND day BETWEEN $2 AND $3
		), g AS (`+groups+`)
		SELECT EXISTS (SELECT 1 FROM analytics_dirty WHERE user_id = $1), t.minutes, t.sessions, t.days,
			g.key, g.label, g.composer, g.minutes, g.sessions, g.days
		FROM t LEFT JOIN g ON true
		ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("error reading the practice summary: %w", err)
	}
	var key, label, composer *string
	var minutes *float64
	var sessions, days *int
	_, err = pgx.ForEachRow(rows, []any{&s.Pending, &s.Totals.Minutes, &s.Totals.Sessions, &s.Totals.Days,
		&key, &label, &composer, &minutes, &sessions, &days}, func() error {
		if key != nil {
			s.Groups = append(s.Groups, AnalyticsGroup{Key: *key, Label: *label, Composer: *composer,
				Minutes: oneDecimal(*minutes), Sessions: *sessions, Days: days})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error reading the practice summary: %w", err)
	}
	return s, nil
}

// Streaks are a user's runs of consecutive practice days.
type Streaks struct {
	Today Date `json:"today"` // the user's day now
	// Current counts the run that ends today or yesterday (0 when there is none).
	Current      int   `json:"current"`
	CurrentStart *Date `json:"current_start"`
	Longest      int   `json:"longest"`
	LongestStart *Date `json:"longest_start"`
	LongestEnd   *Date `json:"longest_end"`
	LastPractice *Date `json:"last_practice_day"`
	// PracticedToday: today is already in the current run.
	PracticedToday bool `json:"practiced_today"`
	Pending        bool `json:"pending"`
}

// UserStreaks returns userID's streaks as of now.
func UserStreaks(ctx context.Context, db DB, userID uuid.UUID, now time.Time) (*Streaks, error) {
	pending, err := rollupPending(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	var today time.Time
	var longest, latest *int
	var ls, le, ts, te *time.Time
	err = db.QueryRow(ctx, `
		SELECT ($2::timestamptz AT TIME ZONE u.timezone)::date, s.longest, s.longest_start, s.longest_end,
			s.latest, s.latest_start, s.latest_end
		FROM users u LEFT JOIN practice_streaks s ON s.user_id = u.id WHERE u.id = $1`, userID, now).
		Scan(&today, &longest, &ls, &le, &latest, &ts, &te)
	if err == pgx.ErrNoRows { //nolint:errorlint // pgx returns the sentinel itself
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading streaks: %w", err)
	}
	st := &Streaks{Today: Date{today}, Pending: pending}
	if longest != nil {
		st.Longest, st.LongestStart, st.LongestEnd = *longest, &Date{*ls}, &Date{*le}
		st.LastPractice = &Date{*te}
		if !te.Before(today.AddDate(0, 0, -1)) {
			st.Current, st.CurrentStart = *latest, &Date{*ts}
			st.PracticedToday = !te.Before(today)
		}
	}
	return st, nil
}

// HeatmapDay is one practiced day of a heatmap; Level grades it 1–4 against the year's
// busiest day.
type HeatmapDay struct {
	Date     Date `json:"date"`
	Minutes  int  `json:"minutes"`
	Sessions int  `json:"sessions"`
	Level    int  `json:"level"`
}

// Heatmap is a calendar year of practice.
type Heatmap struct {
	Year       int             `json:"year"`
	Days       []HeatmapDay    `json:"days"` // practiced days only, in order
	MaxMinutes int             `json:"max_minutes"`
	Totals     AnalyticsTotals `json:"totals"`
	Pending    bool            `json:"pending"`
}

// UserHeatmap returns userID's practice days of year.
func UserHeatmap(ctx context.Context, db DB, userID uuid.UUID, year int) (*Heatmap, error) {
	pending, err := rollupPending(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := db.Query(ctx, `
		SELECT day, minutes, sessions FROM practice_days
		WHERE user_id = $1 AND day >= $2 AND day < $3 ORDER BY day`, userID, from, from.AddDate(1, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("error reading the heatmap: %w", err)
	}
	h := &Heatmap{Year: year, Days: []HeatmapDay{}, Pending: pending}
	var d HeatmapDay
	if _, err := pgx.ForEachRow(rows, []any{&d.Date.Time, &d.Minutes, &d.Sessions}, func() error {
		h.Days = append(h.Days, d)
		h.MaxMinutes = max(h.MaxMinutes, d.Minutes)
		h.Totals.Minutes += d.Minutes
		h.Totals.Sessions += d.Sessions
		return nil
	}); err != nil {
		return nil, fmt.Errorf("error reading the heatmap: %w", err)
	}
	h.Totals.Days = len(h.Days)
	for i := range h.Days {
		h.Days[i].Level = max(1, int(math.Ceil(4*float64(h.Days[i].Minutes)/float64(h.MaxMinutes))))
	}
	return h, nil
}

// PieceDay is a day a piece was practiced.
type PieceDay struct {
	Date     Date    `json:"date"`
	Minutes  float64 `json:"minutes"`
	Sessions int     `json:"sessions"`
}

// PieceStats is a repertoire item's practice, matched to logbook pieces by title and
// composer (case and spacing aside).
type PieceStats struct {
	RepertoireID    uuid.UUID  `json:"repertoire_id"`
	Title           string     `json:"title"`
	Composer        string     `json:"composer"`
	Sessions        int        `json:"sessions"`
	Minutes         float64    `json:"minutes"`
	AverageMinutes  float64    `json:"average_minutes"`
	FirstPracticed  *Date      `json:"first_practice_day"`
	LastPracticedAt *time.Time `json:"last_practiced_at"`
	Recent          []PieceDay `json:"recent_days"` // the latest 30 days it was practiced, newest first
	Pending         bool       `json:"pending"`
}

// RepertoireStats returns the practice of userID's repertoire item id.
func RepertoireStats(ctx context.Context, db DB, userID, id uuid.UUID) (*PieceStats, error) {
	pending, err := rollupPending(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	st := &PieceStats{RepertoireID: id, Recent: []PieceDay{}, Pending: pending}
	var key string
	var sessions *int
	var minutes *float64
	var first *time.Time
	err = db.QueryRow(ctx, `
		SELECT r.title, r.composer, k.key, p.sessions, p.minutes::float8, p.first_day, p.last_practiced_at
		FROM repertoire_items r
		CROSS JOIN LATERAL (SELECT analytics_piece_key(r.title, r.composer) AS key) k
		LEFT JOIN practice_pieces p ON p.user_id = r.user_id AND p.key = k.key
		WHERE r.id = $1 AND r.user_id = $2`, id, userID).
		Scan(&st.Title, &st.Composer, &key, &sessions, &minutes, &first, &st.LastPracticedAt)
	if err == pgx.ErrNoRows { //nolint:errorlint // pgx returns the sentinel itself
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading the piece's practice: %w", err)
	}
	if sessions != nil {
		st.Sessions, st.Minutes = *sessions, oneDecimal(*minutes)
		st.AverageMinutes = oneDecimal(*minutes / float64(*sessions))
		st.FirstPracticed = &Date{*first}
		rows, err := db.Query(ctx, `
			SELECT day, minutes::float8, sessions FROM practice_day_facets
			WHERE user_id = $1 AND dimension = 'piece' AND key = $2 ORDER BY day DESC LIMIT 30`, userID, key)
		if err != nil {
			return nil, fmt.Errorf("error reading the piece's practice: %w", err)
		}
		var d PieceDay
		if _, err := pgx.ForEachRow(rows, []any{&d.Date.Time, &d.Minutes, &d.Sessions}, func() error {
			d.Minutes = oneDecimal(d.Minutes)
			st.Recent = append(st.Recent, d)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("error reading the piece's practice: %w", err)
		}
	}
	return st, nil
}
