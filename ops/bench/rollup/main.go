// Command rollup measures the analytics rollups on a large logbook: the full rollup of every
// user, the latency of the incremental rollup after one entry changes (against a full rollup
// of that one user, in the same run), and a one-year summary (totals, months, pieces) read
// from the rollups against the same summary computed on the fly from the raw entries (by
// month; and by piece), each checked against the other.
//
// The logbook is generated: users in a spread of timezones, each with entries over three
// years, their pieces drawn from a repertoire of 30 with a few composers. The last line
// printed is one JSON object:
//
//	{"entries":1000000, "full_rollup_s":…, "incremental_ms":…, "summary_from_rollups_ms":…, "summary_on_the_fly_ms":…}
//
// Usage: make bench-rollup [USERS=1000 PER_USER=1000] (DATABASE_URL's server, a database of its own).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/pipelines/analytics"
	"github.com/mirubato/mirubato/pipelines/fanout"
)

type result struct {
	Entries             int     `json:"entries"`
	Users               int     `json:"users"`
	FullRollupS         float64 `json:"full_rollup_s"`
	IncrementalMS       float64 `json:"incremental_ms"`     // p50, commit of the change → rollup committed
	IncrementalP95MS    float64 `json:"incremental_p95_ms"` //
	FullUserRollupMS    float64 `json:"full_user_rollup_ms"`
	SummaryFromRollupMS float64 `json:"summary_from_rollups_ms"` // p50
	SummaryOnTheFlyMS   float64 `json:"summary_on_the_fly_ms"`   // p50
	SummarySpeedup      float64 `json:"summary_speedup"`
	// The same, grouped by piece (minute shares of each entry's pieces).
	PieceSummaryFromRollupMS float64 `json:"piece_summary_from_rollups_ms"`
	PieceSummaryOnTheFlyMS   float64 `json:"piece_summary_on_the_fly_ms"`
	PieceSummarySpeedup      float64 `json:"piece_summary_speedup"`
	LoadS                    float64 `json:"load_s"`
}

func main() {
	users := flag.Int("users", 1000, "users")
	perUser := flag.Int("per-user", 1000, "entries per user")
	samples := flag.Int("samples", 50, "incremental changes and summaries measured")
	keep := flag.Bool("keep", false, "keep the database afterwards (to explore it)")
	flag.Parse()
	if err := run(context.Background(), *users, *perUser, *samples, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, nUsers, perUser, samples int, keep bool) error {
	cfg, err := benchdb.Config()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, _, cleanup, err := benchdb.Fresh(ctx, cfg, "mirubato_bench_rollup", logger)
	if err != nil {
		return err
	}
	if keep {
		defer pool.Close()
	} else {
		defer cleanup()
	}
	res := result{Users: nUsers}

	start := time.Now()
	users, err := load(ctx, pool, nUsers, perUser)
	if err != nil {
		return err
	}
	res.LoadS = round(time.Since(start).Seconds())
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM logbook_entries`).Scan(&res.Entries); err != nil {
		return err
	}
	fmt.Printf("loaded %d entries of %d users in %.1f s\n", res.Entries, nUsers, res.LoadS)

	start = time.Now()
	if err := analytics.Backfill(ctx, pool, analytics.BatchSize, 2, nil); err != nil {
		return err
	}
	res.FullRollupS = round(time.Since(start).Seconds())
	fmt.Printf("full rollup: %.1f s\n", res.FullRollupS)
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE practice_days, practice_day_facets, practice_pieces, practice_periods, practice_streaks`); err != nil {
		return err
	}

	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // benchmark data
	if res.IncrementalMS, res.IncrementalP95MS, res.FullUserRollupMS, err = incremental(ctx, pool, users, samples, rng); err != nil {
		return err
	}
	fmt.Printf("incremental: p50 %.1f ms, p95 %.1f ms (full rollup of one user: %.1f ms)\n",
		res.IncrementalMS, res.IncrementalP95MS, res.FullUserRollupMS)

	if res.SummaryFromRollupMS, res.SummaryOnTheFlyMS, err = summaries(ctx, pool, users, samples, rng, "month", flyMonths); err != nil {
		return err
	}
	res.SummarySpeedup = round(res.SummaryOnTheFlyMS / res.SummaryFromRollupMS)
	fmt.Printf("one-year summary by month: from rollups p50 %.2f ms, on the fly p50 %.2f ms (%.1f×)\n",
		res.SummaryFromRollupMS, res.SummaryOnTheFlyMS, res.SummarySpeedup)
	if res.PieceSummaryFromRollupMS, res.PieceSummaryOnTheFlyMS, err = summaries(ctx, pool, users, samples, rng, "piece", flyPieces); err != nil {
		return err
	}
	res.PieceSummarySpeedup = round(res.PieceSummaryOnTheFlyMS / res.PieceSummaryFromRollupMS)
	fmt.Printf("one-year summary by piece: from rollups p50 %.2f ms, on the fly p50 %.2f ms (%.1f×)\n",
		res.PieceSummaryFromRollupMS, res.PieceSummaryOnTheFlyMS, res.PieceSummarySpeedup)
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// load creates the users and their entries. Triggers are off while loading (the change log
// and out-of-date days of a million inserts would measure the loader, not the rollup).
func load(ctx context.Context, pool *pgxpool.Pool, nUsers, perUser int) ([]uuid.UUID, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return nil, fmt.Errorf("disabling triggers for the load (needs a superuser): %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `RESET session_replication_role`) }()
	rows, err := conn.Query(ctx, `
		INSERT INTO users (email, timezone)
		SELECT 'bench' || g || '@example.com',
			(ARRAY['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Los_Angeles'])[1 + g % 6]
		FROM generate_series(1, $1) g
		RETURNING id`, nUsers)
	if err != nil {
		return nil, err
	}
	users, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(users); i += 50 {
		batch := users[i:min(i+50, len(users))]
		// Each entry: 0–3 pieces of the user's 30, half of them with their own minutes.
		_, err := conn.Exec(ctx, `
			INSERT INTO logbook_entries (user_id, practiced_at, duration_minutes, type, instrument, mood, pieces)
			SELECT u, timestamptz '2024-01-01 00:00Z' + random() * interval '1056 days', 5 + floor(random() * 115)::int,
				(ARRAY['practice', 'practice', 'practice', 'lesson', 'technique', 'performance'])[1 + floor(random() * 6)::int],
				(ARRAY['Piano', 'piano', 'Violin', ''])[1 + floor(random() * 4)::int],
				(ARRAY['frustrated', 'neutral', 'satisfied', 'excited', NULL])[1 + floor(random() * 5)::int],
				(SELECT coalesce(jsonb_agg(jsonb_build_object(
						'title', 'Piece ' || k, 'composer', (ARRAY['Bach', 'Chopin', 'Debussy', 'Schumann', 'Ravel'])[1 + k % 5])
						|| CASE WHEN random() < 0.5 THEN jsonb_build_object('minutes', floor(random() * 30)::int) ELSE '{}' END), '[]')
					FROM (SELECT floor(random() * 30)::int AS k FROM generate_series(1, g % 4 + (u IS NULL)::int)) p)
			FROM unnest($1::uuid[]) u, generate_series(1, $2) g`, batch, perUser)
		if err != nil {
			return nil, fmt.Errorf("error loading entries: %w", err)
		}
		fmt.Printf("\rloaded %d of %d users", i+len(batch), len(users))
	}
	fmt.Println()
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE users, logbook_entries`); err != nil {
		return nil, err
	}
	return users, nil
}

// incremental changes one entry of a random user at a time, through the API's write path
// (the change and its rollup job in one transaction), and times until the day's rollup is
// committed, with a worker working the analytics queue. The baseline: a full rollup of one user.
func incremental(ctx context.Context, pool *pgxpool.Pool, users []uuid.UUID, samples int, rng *rand.Rand) (p50, p95, full float64, err error) {
	w := river.NewWorkers()
	analytics.AddWorkers(w, pool, slog.New(slog.DiscardHandler))
	river.AddWorker(w, fanout.NewWorker(pool))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger: slog.New(slog.DiscardHandler), Workers: w, FetchCooldown: time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Queues: map[string]river.QueueConfig{queues.Analytics: {MaxWorkers: 4}, queues.Sync: {MaxWorkers: 4}},
	})
	if err != nil {
		return 0, 0, 0, err
	}
	if err := client.Start(ctx); err != nil {
		return 0, 0, 0, err
	}
	defer func() { _ = client.Stop(context.WithoutCancel(ctx)) }()
	var lat, fulls []float64
	for range samples {
		user := users[rng.IntN(len(users))]
		var id uuid.UUID
		if err := pool.QueryRow(ctx, `SELECT id FROM logbook_entries WHERE user_id = $1 ORDER BY random() LIMIT 1`, user).Scan(&id); err != nil {
			return 0, 0, 0, err
		}
		e, err := store.GetLogbookEntry(ctx, pool, user, id)
		if err != nil {
			return 0, 0, 0, err
		}
		in := &store.LogbookInput{PracticedAt: e.PracticedAt, DurationMinutes: 1 + (e.DurationMinutes+7)%1440, Type: e.Type,
			Instrument: e.Instrument, Pieces: e.Pieces, Mood: e.Mood}
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := store.UpdateLogbookEntry(ctx, tx, user, id, in, nil); err != nil {
				return err
			}
			return analytics.EnqueueTx(ctx, tx, client, user)
		})
		if err != nil {
			return 0, 0, 0, err
		}
		committed := time.Now()
		for {
			var pending bool
			if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM analytics_dirty WHERE user_id = $1)`, user).Scan(&pending); err != nil {
				return 0, 0, 0, err
			}
			if !pending {
				break
			}
			if time.Since(committed) > 30*time.Second {
				return 0, 0, 0, errors.New("an incremental rollup took over 30 s")
			}
			time.Sleep(200 * time.Microsecond)
		}
		lat = append(lat, ms(time.Since(committed)))

		start := time.Now()
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := analytics.RollupUsers(ctx, tx, []uuid.UUID{user})
			return err
		}); err != nil {
			return 0, 0, 0, err
		}
		fulls = append(fulls, ms(time.Since(start)))
	}
	return pct(lat, 50), pct(lat, 95), pct(fulls, 50), nil
}

// onTheFly are the one-year summaries straight from the entries, with the same figures as
// the rollups': totals and months; totals and pieces (with the same minute shares).
const (
	flyEntries = `
	WITH e AS (
		SELECT e.*, (e.practiced_at AT TIME ZONE u.timezone)::date AS day
		FROM users u JOIN logbook_entries e ON e.user_id = u.id
			AND e.practiced_at >= ($2::date::timestamp AT TIME ZONE u.timezone)
			AND e.practiced_at < (($3::date + 1)::timestamp AT TIME ZONE u.timezone)
		WHERE u.id = $1
	)`
	flyMonths = flyEntries + `
	SELECT '', sum(duration_minutes)::float8, count(*)::int FROM e
	UNION ALL
	SELECT to_char(day, 'YYYY-MM-01'), sum(duration_minutes)::float8, count(*)::int FROM e GROUP BY 1`
	flyPieces = flyEntries + `,
	p AS (
		SELECT e.id, btrim(x.p->>'title') AS title, btrim(coalesce(x.p->>'composer', '')) AS composer,
			coalesce((x.p->>'minutes')::numeric, greatest(e.duration_minutes - coalesce(sum((x.p->>'minutes')::numeric) OVER w, 0), 0)
				/ count(*) FILTER (WHERE x.p->>'minutes' IS NULL) OVER w) AS minutes
		FROM e CROSS JOIN LATERAL jsonb_array_elements(e.pieces) AS x(p) WINDOW w AS (PARTITION BY e.id)
	)
	SELECT '', sum(duration_minutes)::float8, count(*)::int FROM e
	UNION ALL
	SELECT analytics_piece_key(title, composer), sum(minutes)::float8, count(DISTINCT id)::int FROM p GROUP BY 1`
)

// summaries times a one-year summary (groupBy: month or piece) of random users from the
// rollups and on the fly, and checks that the two agree.
func summaries(ctx context.Context, pool *pgxpool.Pool, users []uuid.UUID, samples int, rng *rand.Rand,
	groupBy, fly string,
) (rollups, onTheFly float64, err error) {
	to := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(-1, 0, 1)
	var a, b []float64
	for range samples {
		user := users[rng.IntN(len(users))]
		start := time.Now()
		sum, err := store.Summary(ctx, pool, user, from, to, groupBy)
		if err != nil {
			return 0, 0, err
		}
		a = append(a, ms(time.Since(start)))

		start = time.Now()
		rows, err := pool.Query(ctx, fly, user, from, to)
		if err != nil {
			return 0, 0, err
		}
		var key string
		var minutes float64
		var sessions int
		got := map[string]float64{}
		if _, err := pgx.ForEachRow(rows, []any{&key, &minutes, &sessions}, func() error {
			got[key] = minutes
			return nil
		}); err != nil {
			return 0, 0, err
		}
		b = append(b, ms(time.Since(start)))

		// The two must agree.
		if float64(sum.Totals.Minutes) != got[""] {
			return 0, 0, fmt.Errorf("user %s: %d minutes from the rollups, %v on the fly", user, sum.Totals.Minutes, got[""])
		}
		for _, g := range sum.Groups {
			if math.Abs(g.Minutes-got[g.Key]) > 0.051 {
				return 0, 0, fmt.Errorf("user %s, %s %s: %v minutes from the rollups, %v on the fly", user, groupBy, g.Key, g.Minutes, got[g.Key])
			}
		}
	}
	return pct(a, 50), pct(b, 50), nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(v []float64, p float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return round(s[min(len(s)-1, int(math.Ceil(p/100*float64(len(s))))-1)])
}

func round(v float64) float64 { return math.Round(v*100) / 100 }
