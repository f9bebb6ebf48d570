package api_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/store"
)

// rolledUp waits until the user's rollups are current and returns the summary of path.
func rolledUp[T any](t *testing.T, b *testBundle, tok, path string) T {
	t.Helper()
	var out T
	require.Eventually(t, func() bool {
		resp, data := b.call(t, "GET", path, tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		var p struct {
			Pending bool `json:"pending"`
		}
		out, p = decodeAs[T](t, data), decodeAs[struct {
			Pending bool `json:"pending"`
		}](t, data)
		return !p.Pending
	}, 20*time.Second, 20*time.Millisecond, "the rollups never caught up")
	return out
}

func TestPracticeAnalytics(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.startWorkers(t)
	b.now = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) // 10:00 in New York
	_, tok := b.user(t, "stats@example.com")
	_, otherTok := b.user(t, "other@example.com")
	resp, data := b.call(t, "PUT", "/api/user/me", tok, map[string]any{"timezone": "America/New_York", "locale": "en"}, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))

	resp, data = b.call(t, "POST", "/api/repertoire", tok, map[string]any{"title": "Ballade No. 1", "composer": "Chopin", "status": "learning"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	item := decodeAs[store.RepertoireItem](t, data)
	resp, data = b.call(t, "POST", "/api/goals", tok, map[string]any{"title": "Ten hours", "type": "practice_time", "target_value": 10, "unit": "hours"}, nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	goal := decodeAs[store.Goal](t, data)
	_, err := b.pool.Exec(context.Background(), `UPDATE goals SET created_at = '2026-11-01T12:00:00Z' WHERE id = $1`, goal.ID)
	require.NoError(t, err)

	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, ny) }
	ballade := map[string]any{"title": "ballade  no. 1", "composer": "chopin", "minutes": 20}
	for _, e := range []map[string]any{
		// 23:30 on the 20th in New York is the 21st in UTC: it counts on the 20th.
		entry(at(20, 23).Add(30*time.Minute), 30, "practice", map[string]any{"instrument": "Piano", "mood": "satisfied",
			"pieces": []map[string]any{ballade, {"title": "Scales"}}}),
		entry(at(22, 9), 45, "lesson", map[string]any{"instrument": "Piano ", "pieces": []map[string]any{ballade}}),
		entry(at(23, 8), 15, "practice", map[string]any{"instrument": "Violin", "mood": "excited"}),
	} {
		resp, data := b.call(t, "POST", "/api/logbook/entries", tok, e, nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	}

	sum := rolledUp[store.AnalyticsSummary](t, b, tok, "/api/analytics/summary?from=2026-11-20&to=2026-11-23")
	require.Equal(t, store.AnalyticsTotals{Minutes: 90, Sessions: 3, Days: 3}, sum.Totals)
	require.Equal(t, "day", sum.GroupBy)
	minutes := map[string]float64{}
	for _, g := range sum.Groups {
		minutes[g.Key] = g.Minutes
	}
	require.Equal(t, map[string]float64{"2026-11-20": 30, "2026-11-21": 0, "2026-11-22": 45, "2026-11-23": 15}, minutes)

	sum = rolledUp[store.AnalyticsSummary](t, b, tok, "/api/analytics/summary?from=2026-11-01&to=2026-11-30&group_by=piece")
	require.Len(t, sum.Groups, 2)
	require.Equal(t, store.AnalyticsGroup{Key: "chopin|ballade no. 1", Label: "ballade  no. 1", Composer: "chopin", Minutes: 40, Sessions: 2}, sum.Groups[0])
	require.Equal(t, "Scales", sum.Groups[1].Label)
	require.InDelta(t, 10, sum.Groups[1].Minutes, 0.001, "the rest of the entry's minutes")

	sum = rolledUp[store.AnalyticsSummary](t, b, tok, "/api/analytics/summary?from=2026-11-01&to=2026-11-30&group_by=instrument")
	require.Equal(t, []store.AnalyticsGroup{{Key: "piano", Label: "Piano", Minutes: 75, Sessions: 2}, {Key: "violin", Label: "Violin", Minutes: 15, Sessions: 1}}, sum.Groups)

	// Weeks: the one of the 16th is cut by from=2026-11-18, so only its days in the span count.
	sum = rolledUp[store.AnalyticsSummary](t, b, tok, "/api/analytics/summary?from=2026-11-18&to=2026-11-29&group_by=week")
	require.Len(t, sum.Groups, 2)
	require.Equal(t, "2026-11-16", sum.Groups[0].Key)
	require.Equal(t, "2026-W47", sum.Groups[0].Label)
	require.Equal(t, 75.0, sum.Groups[0].Minutes)
	require.Equal(t, 2, *sum.Groups[0].Days)
	require.Equal(t, 15.0, sum.Groups[1].Minutes)

	streaks := rolledUp[store.Streaks](t, b, tok, "/api/analytics/streaks")
	require.Equal(t, "2026-11-23", streaks.Today.Format(time.DateOnly))
	require.Equal(t, 2, streaks.Current)
	require.True(t, streaks.PracticedToday)
	require.Equal(t, 2, streaks.Longest)
	b.now = b.now.Add(72 * time.Hour)
	_, later := b.user(t, "stats@example.com") // a token of that time
	streaks = rolledUp[store.Streaks](t, b, later, "/api/analytics/streaks")
	require.Zero(t, streaks.Current, "three days without practice end the streak")
	require.Equal(t, 2, streaks.Longest)
	b.now = b.now.Add(-72 * time.Hour)

	heat := rolledUp[store.Heatmap](t, b, tok, "/api/analytics/heatmap?year=2026")
	require.Len(t, heat.Days, 3)
	require.Equal(t, 45, heat.MaxMinutes)
	require.Equal(t, []int{3, 4, 2}, []int{heat.Days[0].Level, heat.Days[1].Level, heat.Days[2].Level})

	stats := rolledUp[store.PieceStats](t, b, tok, "/api/repertoire/"+item.ID.String()+"/stats")
	require.Equal(t, 2, stats.Sessions)
	require.Equal(t, 40.0, stats.Minutes)
	require.Equal(t, 20.0, stats.AverageMinutes)
	require.Equal(t, "2026-11-20", stats.FirstPracticed.Format(time.DateOnly))
	require.True(t, stats.LastPracticedAt.Equal(at(22, 9)))
	require.Len(t, stats.Recent, 2)

	// The practice-time goal counts the minutes since it was made, in hours.
	require.Eventually(t, func() bool {
		_, data := b.call(t, "GET", "/api/goals/"+goal.ID.String(), tok, nil, nil)
		return decodeAs[store.Goal](t, data).CurrentValue == 1.5
	}, 10*time.Second, 20*time.Millisecond)

	// An edit and a delete are rolled up too.
	resp, data = b.call(t, "GET", "/api/logbook/entries?instrument=violin", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	violin := decodeAs[store.Page[store.LogbookEntry]](t, data).Items[0]
	resp, data = b.call(t, "DELETE", "/api/logbook/entries/"+violin.ID.String(), tok, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(data))
	sum = rolledUp[store.AnalyticsSummary](t, b, tok, "/api/analytics/summary?from=2026-11-20&to=2026-11-23")
	require.Equal(t, store.AnalyticsTotals{Minutes: 75, Sessions: 2, Days: 2}, sum.Totals)
	streaks = rolledUp[store.Streaks](t, b, tok, "/api/analytics/streaks")
	require.Equal(t, 1, streaks.Current, "practiced yesterday, not yet today")
	require.False(t, streaks.PracticedToday)

	// CSV, for each of them.
	for path, header := range map[string]string{
		"/api/analytics/summary?from=2026-11-01&to=2026-11-30&group_by=piece&format=csv": "piece,title,composer,minutes,sessions",
		"/api/analytics/summary?from=2026-11-01&to=2026-11-30&group_by=month&format=csv": "month,label,minutes,sessions,days",
		"/api/analytics/streaks?format=csv":                                              "today,current,current_start,longest,longest_start,longest_end,last_practice_day",
		"/api/analytics/heatmap?year=2026&format=csv":                                    "date,minutes,sessions,level",
		"/api/repertoire/" + item.ID.String() + "/stats?format=csv":                      "title,composer,sessions,minutes,average_minutes,first_practice_day,last_practiced_at",
	} {
		resp, data := b.call(t, "GET", path, tok, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
		require.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
		require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
		records, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		require.NoError(t, err, path)
		require.Equal(t, header, strings.Join(records[0], ","), path)
		require.Greater(t, len(records), 1, path)
	}
	resp, data = b.call(t, "GET", "/api/analytics/summary?from=2026-11-01&to=2026-11-30&group_by=piece&format=csv", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	records, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"chopin|ballade no. 1", "ballade  no. 1", "chopin", "40", "2"}, records[1])

	// Another user sees none of it.
	other := rolledUp[store.AnalyticsSummary](t, b, otherTok, "/api/analytics/summary?from=2026-11-01&to=2026-11-30&group_by=piece")
	require.Empty(t, other.Groups)
	require.Zero(t, other.Totals.Minutes)
	otherStreaks := rolledUp[store.Streaks](t, b, otherTok, "/api/analytics/streaks")
	require.Zero(t, otherStreaks.Longest)
	resp, data = b.call(t, "GET", "/api/repertoire/"+item.ID.String()+"/stats", otherTok, nil, nil)
	requireError(t, resp, data, http.StatusNotFound, "not_found")

	// Bad input.
	for path, field := range map[string]string{
		"/api/analytics/summary?group_by=year":                               "group_by",
		"/api/analytics/summary?from=2026-11-30&to=2026-11-01":               "from",
		"/api/analytics/summary?from=yesterday":                              "from",
		"/api/analytics/summary?from=1990-01-01&to=2026-01-01":               "from",
		"/api/analytics/summary?format=xml":                                  "format",
		"/api/analytics/summary?from=1900-01-01&to=9999-12-31&group_by=week": "from",
		"/api/analytics/heatmap?year=twenty":                                 "year",
		"/api/analytics/heatmap?year=1850":                                   "year",
		"/api/analytics/streaks?format=pdf":                                  "format",
		"/api/repertoire/" + item.ID.String() + "/stats?format=yaml":         "format",
	} {
		resp, data := b.call(t, "GET", path, tok, nil, nil)
		requireError(t, resp, data, http.StatusUnprocessableEntity, "validation_failed")
		require.Contains(t, string(data), field, path)
	}
	// A long span is fine by week.
	resp, data = b.call(t, "GET", "/api/analytics/summary?from=1990-01-01&to=2026-01-01&group_by=month", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Len(t, decodeAs[store.AnalyticsSummary](t, data).Groups, 36*12+1)
}
