package analytics_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/dbtest"
	"github.com/mirubato/mirubato/internal/queues"
	"github.com/mirubato/mirubato/internal/store"
	"github.com/mirubato/mirubato/pipelines/analytics"
	"github.com/mirubato/mirubato/pipelines/fanout"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// newClient returns a River client on pool; with work, it works the analytics and sync
// queues (started; stopped at the end of the test).
func newClient(t *testing.T, pool *pgxpool.Pool, work bool) *river.Client[pgx.Tx] {
	t.Helper()
	cfg := &river.Config{Logger: dbtest.Logger(t)}
	if work {
		w := river.NewWorkers()
		analytics.AddWorkers(w, pool, cfg.Logger)
		river.AddWorker(w, fanout.NewWorker(pool))
		cfg.Workers = w
		cfg.Queues = map[string]river.QueueConfig{queues.Analytics: {MaxWorkers: 4}, queues.Sync: {MaxWorkers: 2}}
		cfg.FetchCooldown, cfg.FetchPollInterval = time.Millisecond, 20*time.Millisecond
	}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	require.NoError(t, err)
	if work {
		require.NoError(t, client.Start(context.Background()))
		t.Cleanup(func() { require.NoError(t, client.Stop(context.Background())) })
	}
	return client
}

// write runs fn in a transaction that then enqueues the user's rollups, as every API write does.
func write(t *testing.T, pool *pgxpool.Pool, client *river.Client[pgx.Tx], userID uuid.UUID, fn func(tx pgx.Tx) error) {
	t.Helper()
	require.NoError(t, tryWrite(pool, client, userID, fn))
}

func tryWrite(pool *pgxpool.Pool, client *river.Client[pgx.Tx], userID uuid.UUID, fn func(tx pgx.Tx) error) error {
	ctx := context.Background()
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return analytics.EnqueueTx(ctx, tx, client, userID)
	})
}

// inParallel runs each fn in its own goroutine and requires that none failed.
func inParallel(t *testing.T, fns ...func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(fns))
	for _, fn := range fns {
		wg.Go(func() { errs <- fn() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// settle waits until no day is out of date and no analytics job is left to run.
func settle(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	require.Eventually(t, func() bool {
		var left int
		require.NoError(t, pool.QueryRow(context.Background(), `
			SELECT (SELECT count(*) FROM analytics_dirty) + (SELECT count(*) FROM river_job
				WHERE queue = $1 AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending'))`,
			queues.Analytics).Scan(&left))
		return left == 0
	}, 30*time.Second, 20*time.Millisecond, "the rollups never caught up")
}

// The oracle: every rollup computed again straight from the logbook, written independently
// of the pipeline's statements (piece shares by subqueries, periods from entries, streaks in Go).
const oracleEntries = `
	WITH e AS (
		SELECT e.*, (e.practiced_at AT TIME ZONE u.timezone)::date AS day
		FROM logbook_entries e JOIN users u ON u.id = e.user_id
	),
	pieces AS (
		SELECT e.user_id, e.id, e.day, e.practiced_at, btrim(p->>'title') AS title,
			btrim(coalesce(p->>'composer', '')) AS composer,
			CASE WHEN jsonb_typeof(p->'minutes') = 'number' THEN (p->>'minutes')::numeric
			ELSE greatest(e.duration_minutes - (SELECT coalesce(sum((q->>'minutes')::numeric), 0)
					FROM jsonb_array_elements(e.pieces) q), 0)
				/ (SELECT count(*) FROM jsonb_array_elements(e.pieces) q WHERE jsonb_typeof(q->'minutes') IS DISTINCT FROM 'number')
			END AS minutes
		FROM e, jsonb_array_elements(e.pieces) p
	)`

// oracles pairs each rollup (as a query) with its figure from the raw entries.
var oracles = []struct{ name, rollup, oracle string }{
	{"days",
		`SELECT user_id, day, minutes::bigint, sessions::bigint FROM practice_days`,
		`SELECT user_id, day, sum(duration_minutes), count(*) FROM e GROUP BY 1, 2`},
	{"type",
		`SELECT user_id, day, key, minutes, sessions::bigint, last_at FROM practice_day_facets WHERE dimension = 'type'`,
		`SELECT user_id, day, type, sum(duration_minutes)::numeric, count(*), max(practiced_at) FROM e GROUP BY 1, 2, 3`},
	{"instrument",
		`SELECT user_id, day, key, label, minutes, sessions::bigint FROM practice_day_facets WHERE dimension = 'instrument'`,
		`SELECT user_id, day, lower(btrim(instrument)), min(btrim(instrument)), sum(duration_minutes)::numeric, count(*)
			FROM e WHERE btrim(instrument) <> '' GROUP BY 1, 2, 3`},
	{"mood",
		`SELECT user_id, day, key, minutes, sessions::bigint FROM practice_day_facets WHERE dimension = 'mood'`,
		`SELECT user_id, day, mood, sum(duration_minutes)::numeric, count(*) FROM e WHERE mood IS NOT NULL GROUP BY 1, 2, 3`},
	{"piece",
		`SELECT user_id, day, key, label, detail, minutes, sessions::bigint, last_at FROM practice_day_facets WHERE dimension = 'piece'`,
		`SELECT user_id, day, analytics_piece_key(title, composer), min(title), min(composer), sum(minutes),
			count(DISTINCT id), max(practiced_at) FROM pieces GROUP BY 1, 2, 3`},
	{"composer",
		`SELECT user_id, day, key, minutes, sessions::bigint FROM practice_day_facets WHERE dimension = 'composer'`,
		`SELECT user_id, day, lower(regexp_replace(composer, '\s+', ' ', 'g')), sum(minutes), count(DISTINCT id)
			FROM pieces WHERE composer <> '' GROUP BY 1, 2, 3`},
	{"pieces",
		`SELECT user_id, key, title, composer, sessions::bigint, minutes, first_day, last_practiced_at FROM practice_pieces`,
		`SELECT user_id, analytics_piece_key(title, composer), min(title), min(composer), count(DISTINCT id),
			sum(minutes), min(day), max(practiced_at) FROM pieces GROUP BY 1, 2`},
	{"weeks",
		`SELECT user_id, start, minutes::bigint, sessions::bigint, days::bigint FROM practice_periods WHERE period = 'week'`,
		`SELECT user_id, (day - (extract(isodow FROM day)::int - 1)), sum(duration_minutes), count(*), count(DISTINCT day)
			FROM e GROUP BY 1, 2`},
	{"months",
		`SELECT user_id, start, minutes::bigint, sessions::bigint, days::bigint FROM practice_periods WHERE period = 'month'`,
		`SELECT user_id, make_date(extract(year FROM day)::int, extract(month FROM day)::int, 1),
			sum(duration_minutes), count(*), count(DISTINCT day) FROM e GROUP BY 1, 2`},
	{"goals",
		`SELECT id, current_value FROM goals WHERE type = 'practice_time' AND status = 'active'`,
		`SELECT g.id, round((coalesce((SELECT sum(e.duration_minutes) FROM e WHERE e.user_id = g.user_id
				AND e.day >= (g.created_at AT TIME ZONE u.timezone)::date AND (g.due_date IS NULL OR e.day <= g.due_date)), 0)
			/ CASE WHEN g.unit = 'hours' THEN 60.0 ELSE 1 END
			+ coalesce((SELECT sum(value) FROM goal_progress p WHERE p.goal_id = g.id), 0)::numeric), 2)::float8
		FROM goals g JOIN users u ON u.id = g.user_id WHERE g.type = 'practice_time' AND g.status = 'active'`},
}

// requireMatchesOracle compares every rollup with its oracle, row for row.
func requireMatchesOracle(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	requireMatchesOracleTables(t, pool)
	requireStreaksMatch(t, pool)
}

// requireMatchesOracleTables compares the named rollups (all when none) with their oracles.
func requireMatchesOracleTables(t *testing.T, pool *pgxpool.Pool, names ...string) {
	t.Helper()
	ctx := context.Background()
	for _, o := range oracles {
		if len(names) > 0 && !slices.Contains(names, o.name) {
			continue
		}
		var extra, missing int
		require.NoError(t, pool.QueryRow(ctx, fmt.Sprintf(oracleEntries+`, r AS (%s), o AS (%s)
			SELECT (SELECT count(*) FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM o) x),
				(SELECT count(*) FROM (SELECT * FROM o EXCEPT ALL SELECT * FROM r) y)`,
			o.rollup, o.oracle)).Scan(&extra, &missing), o.name)
		require.Zero(t, extra+missing, "%s: %d rolled-up rows are not in the oracle, %d oracle rows are missing", o.name, extra, missing)
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM (`+o.rollup+`) r`).Scan(&n))
		require.Positive(t, n, "%s: the test must produce rows to compare", o.name)
	}
}

// requireStreaksMatch compares the streaks with runs found in Go from each user's days.
func requireStreaksMatch(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, oracleEntries+` SELECT DISTINCT user_id, day FROM e ORDER BY 1, 2`)
	require.NoError(t, err)
	type run struct {
		n          int
		start, end time.Time
	}
	longest, latest := map[uuid.UUID]*run{}, map[uuid.UUID]*run{}
	var u uuid.UUID
	var d time.Time
	_, err = pgx.ForEachRow(rows, []any{&u, &d}, func() error {
		cur := latest[u]
		if cur != nil && cur.end.AddDate(0, 0, 1).Equal(d) {
			cur.n, cur.end = cur.n+1, d
		} else {
			cur = &run{n: 1, start: d, end: d}
			latest[u] = cur
		}
		if l := longest[u]; l == nil || cur.n >= l.n {
			c := *cur
			longest[u] = &c
		}
		return nil
	})
	require.NoError(t, err)
	rows, err = pool.Query(ctx, `SELECT user_id, longest, longest_start, longest_end, latest, latest_start, latest_end FROM practice_streaks`)
	require.NoError(t, err)
	var l, t2 run
	seen := 0
	_, err = pgx.ForEachRow(rows, []any{&u, &l.n, &l.start, &l.end, &t2.n, &t2.start, &t2.end}, func() error {
		seen++
		require.Equal(t, *longest[u], l, "longest streak of %s", u)
		require.Equal(t, *latest[u], t2, "latest streak of %s", u)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, latest, seen, "one streak row per user who practiced")
}

var (
	timezones = []string{"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"}
	titles    = [][2]string{{"Clair de lune", "Debussy"}, {" clair  de LUNE", "debussy "}, {"Ballade No. 1", "Chopin"},
		{"Invention 8", "J. S. Bach"}, {"Scales", ""}, {"Étude Op. 10 No. 3", "Chopin"}}
	instruments = []string{"Piano", "piano ", "Violin", ""}
	types       = []string{"practice", "performance", "lesson", "rehearsal", "technique", "other"}
	moods       = []string{"frustrated", "neutral", "satisfied", "excited"}
	// Around the 2026 daylight-saving changes of the zones above.
	windows = [][2]time.Time{
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 8, 0, 0, 0, 0, time.UTC)},
	}
)

func randomEntry(r *rand.Rand, tz string) *store.LogbookInput {
	w := windows[r.IntN(len(windows))]
	at := w[0].Add(time.Duration(r.Int64N(int64(w[1].Sub(w[0])))))
	if r.IntN(4) == 0 { // right around a local midnight
		loc, _ := time.LoadLocation(tz)
		l := at.In(loc)
		at = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc).Add(time.Duration(r.IntN(240)-120) * time.Minute)
	}
	in := &store.LogbookInput{PracticedAt: at.Truncate(time.Second), DurationMinutes: 1 + r.IntN(180),
		Type: types[r.IntN(len(types))], Instrument: instruments[r.IntN(len(instruments))]}
	if r.IntN(3) > 0 {
		in.Mood = &moods[r.IntN(len(moods))]
	}
	for range r.IntN(4) {
		p := titles[r.IntN(len(titles))]
		piece := store.Piece{Title: p[0], Composer: p[1]}
		if r.IntN(2) == 0 {
			m := r.IntN(60)
			piece.Minutes = &m
		}
		in.Pieces = append(in.Pieces, piece)
	}
	return in
}

// TestRollupsMatchRawEntries is the property test: random users, timezones and entries,
// created, edited and deleted while the workers roll up, end where a direct computation from
// the logbook does; and again after a timezone change and a full rollup.
func TestRollupsMatchRawEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(uint64(seed), 7)) //nolint:gosec // test data
	client := newClient(t, pool, true)

	type user struct {
		id      uuid.UUID
		tz      string
		entries []uuid.UUID
	}
	users := make([]*user, len(timezones))
	for i, tz := range timezones {
		u, err := store.EnsureUser(ctx, pool, fmt.Sprintf("u%d@example.com", i))
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `UPDATE users SET timezone = $2 WHERE id = $1`, u.ID, tz)
		require.NoError(t, err)
		users[i] = &user{id: u.ID, tz: tz}
		// Practice-time goals: in hours for some, with a due date for others.
		for j, unit := range []string{"hours", "minutes"} {
			due := store.Date{Time: time.Date(2026, 10, 15+j, 0, 0, 0, 0, time.UTC)}
			g := &store.GoalInput{Title: "Practice", Type: "practice_time", TargetValue: 100, Unit: unit}
			if j == 1 {
				g.DueDate = &due
			}
			write(t, pool, client, u.ID, func(tx pgx.Tx) error {
				goal, err := store.CreateGoal(ctx, tx, u.ID, uuid.Nil, g)
				if err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `UPDATE goals SET created_at = '2026-03-20T12:00:00Z' WHERE id = $1`, goal.ID)
				return err
			})
		}
	}

	// Writers run concurrently with the workers, one goroutine per user (a user's writes are
	// serialized by the sync change log anyway).
	writers := make([]func() error, len(users))
	for i, u := range users {
		ur := rand.New(rand.NewPCG(r.Uint64(), r.Uint64())) //nolint:gosec // test data
		writers[i] = func() error {
			for range 60 {
				err := tryWrite(pool, client, u.id, func(tx pgx.Tx) error {
					for range 1 + ur.IntN(3) { // some transactions change several entries
						var err error
						switch op := ur.IntN(10); {
						case op < 6 || len(u.entries) == 0:
							var e *store.LogbookEntry
							if e, err = store.CreateLogbookEntry(ctx, tx, u.id, uuid.Nil, randomEntry(ur, u.tz)); err == nil {
								u.entries = append(u.entries, e.ID)
							}
						case op < 9:
							id := u.entries[ur.IntN(len(u.entries))]
							_, err = store.UpdateLogbookEntry(ctx, tx, u.id, id, randomEntry(ur, u.tz), nil)
						default:
							i := ur.IntN(len(u.entries))
							err = store.DeleteLogbookEntry(ctx, tx, u.id, u.entries[i], nil)
							u.entries = append(u.entries[:i], u.entries[i+1:]...)
						}
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		}
	}
	inParallel(t, writers...)
	settle(t, pool)
	requireMatchesOracle(t, pool)

	// A timezone change moves every day of the user.
	write(t, pool, client, users[0].id, func(tx pgx.Tx) error {
		u, err := store.GetUser(ctx, tx, users[0].id)
		if err != nil {
			return err
		}
		_, err = store.UpdateProfile(ctx, tx, u.ID, &store.ProfileInput{DisplayName: u.DisplayName,
			Timezone: "Pacific/Auckland", Locale: u.Locale}, nil)
		return err
	})
	settle(t, pool)
	requireMatchesOracle(t, pool)

	// The full rollup from nothing gives the same.
	_, err := pool.Exec(ctx, `TRUNCATE practice_days, practice_day_facets, practice_pieces, practice_periods, practice_streaks`)
	require.NoError(t, err)
	require.NoError(t, analytics.Backfill(ctx, pool, 2, 2, nil))
	requireMatchesOracle(t, pool)
}

// rollupJobs returns the args of the analytics_rollup jobs not yet worked.
func rollupJobs(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT args->>'day' FROM river_job WHERE kind = 'analytics_rollup' AND state = 'available' ORDER BY 1`)
	require.NoError(t, err)
	days, err := pgx.CollectRows(rows, pgx.RowTo[*string])
	require.NoError(t, err)
	out := make([]string, len(days))
	for i, d := range days {
		if d != nil {
			out[i] = *d
		}
	}
	return out
}

func TestBurstOfEditsMakesOneJobPerDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	client := newClient(t, pool, false) // insert only: jobs stay available
	u, err := store.EnsureUser(ctx, pool, "burst@example.com")
	require.NoError(t, err)
	at := time.Date(2026, 5, 4, 18, 0, 0, 0, time.UTC)
	var id uuid.UUID
	write(t, pool, client, u.ID, func(tx pgx.Tx) error {
		e, err := store.CreateLogbookEntry(ctx, tx, u.ID, uuid.Nil, &store.LogbookInput{PracticedAt: at, DurationMinutes: 10, Type: "practice"})
		id = e.ID
		return err
	})
	for i := range 20 {
		write(t, pool, client, u.ID, func(tx pgx.Tx) error {
			_, err := store.UpdateLogbookEntry(ctx, tx, u.ID, id,
				&store.LogbookInput{PracticedAt: at, DurationMinutes: 11 + i, Type: "practice"}, nil)
			return err
		})
	}
	require.Equal(t, []string{"2026-05-04"}, rollupJobs(t, pool), "21 writes of one day: one job")

	// Notes are not rolled up: an edit of them alone puts no day out of date.
	write(t, pool, client, u.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE logbook_entries SET notes = 'legato' WHERE id = $1`, id)
		return err
	})
	var changes int
	require.NoError(t, pool.QueryRow(ctx, `SELECT changes FROM analytics_dirty WHERE user_id = $1`, u.ID).Scan(&changes))
	require.Equal(t, 21, changes)

	// Moving the entry to another day puts both out of date; the new one gets its job.
	write(t, pool, client, u.ID, func(tx pgx.Tx) error {
		_, err := store.UpdateLogbookEntry(ctx, tx, u.ID, id,
			&store.LogbookInput{PracticedAt: at.AddDate(0, 0, 2), DurationMinutes: 5, Type: "practice"}, nil)
		return err
	})
	require.Equal(t, []string{"2026-05-04", "2026-05-06"}, rollupJobs(t, pool))

	// A write path that forgot EnqueueTx is caught by the sweep.
	_, err = store.CreateLogbookEntry(ctx, pool, u.ID, uuid.Nil, &store.LogbookInput{PracticedAt: at.AddDate(0, 0, 5), DurationMinutes: 5, Type: "practice"})
	require.NoError(t, err)
	require.Len(t, rollupJobs(t, pool), 2)
	_, err = pool.Exec(ctx, `UPDATE analytics_dirty SET created_at = now() - interval '2 minutes' WHERE NOT enqueued`)
	require.NoError(t, err)
	worked := newClient(t, pool, true)
	_, err = worked.Insert(ctx, analytics.SweepArgs{}, nil)
	require.NoError(t, err)
	settle(t, pool)
	var days []string
	rows, err := pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD') FROM practice_days WHERE user_id = $1 ORDER BY day`, u.ID)
	require.NoError(t, err)
	days, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"2026-05-06", "2026-05-09"}, days)
}

// localDays returns the user's practice days with their minutes.
func localDays(t *testing.T, pool *pgxpool.Pool, userID uuid.UUID) map[string]int {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT to_char(day, 'YYYY-MM-DD'), minutes FROM practice_days WHERE user_id = $1`, userID)
	require.NoError(t, err)
	out := map[string]int{}
	var d string
	var m int
	_, err = pgx.ForEachRow(rows, []any{&d, &m}, func() error { out[d] = m; return nil })
	require.NoError(t, err)
	return out
}

// userIn creates a user in timezone tz.
func userIn(t *testing.T, pool *pgxpool.Pool, email, tz string) *store.User {
	t.Helper()
	ctx := context.Background()
	u, err := store.EnsureUser(ctx, pool, email)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE users SET timezone = $2 WHERE id = $1`, u.ID, tz)
	require.NoError(t, err)
	return u
}

// logAt writes an entry of minutes at the RFC 3339 instant at, as the API does.
func logAt(t *testing.T, pool *pgxpool.Pool, client *river.Client[pgx.Tx], userID uuid.UUID, at string, minutes int) {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, at)
	require.NoError(t, err)
	write(t, pool, client, userID, func(tx pgx.Tx) error {
		_, err := store.CreateLogbookEntry(context.Background(), tx, userID, uuid.Nil,
			&store.LogbookInput{PracticedAt: ts, DurationMinutes: minutes, Type: "practice"})
		return err
	})
}

func TestDaysFollowTheUsersTimezone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	client := newClient(t, pool, true)
	u := userIn(t, pool, "paris@example.com", "Europe/Paris")
	log := func(at string, minutes int) { logAt(t, pool, client, u.ID, at, minutes) }
	// Paris moves to summer time at 2026-03-29 02:00 (UTC+1 → UTC+2): that day has 23 hours.
	log("2026-03-28T22:59:00Z", 1)  // 23:59 on the 28th in Paris
	log("2026-03-28T23:00:00Z", 2)  // 00:00 on the 29th
	log("2026-03-29T21:59:00Z", 4)  // 23:59 on the 29th (summer time)
	log("2026-03-29T22:00:00Z", 8)  // 00:00 on the 30th
	log("2026-10-24T22:30:00Z", 16) // 00:30 on the 25th (summer time)
	log("2026-10-25T22:30:00Z", 32) // 23:30 on the 25th (winter time: that day has 25 hours)
	settle(t, pool)
	require.Equal(t, map[string]int{"2026-03-28": 1, "2026-03-29": 6, "2026-03-30": 8, "2026-10-25": 48}, localDays(t, pool, u.ID))

	// Moving to New York (UTC-4 in March after the 8th, UTC-4 in late October) moves the days.
	write(t, pool, client, u.ID, func(tx pgx.Tx) error {
		_, err := store.UpdateProfile(ctx, tx, u.ID, &store.ProfileInput{Timezone: "America/New_York", Locale: "en"}, nil)
		return err
	})
	settle(t, pool)
	require.Equal(t, map[string]int{"2026-03-28": 3, "2026-03-29": 12, "2026-10-24": 16, "2026-10-25": 32}, localDays(t, pool, u.ID))
	var streak int
	require.NoError(t, pool.QueryRow(ctx, `SELECT longest FROM practice_streaks WHERE user_id = $1`, u.ID).Scan(&streak))
	require.Equal(t, 2, streak)
}

func TestNightlyRollupCoversEveryUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	client := newClient(t, pool, false)
	for i := range 7 {
		u, err := store.EnsureUser(ctx, pool, fmt.Sprintf("n%d@example.com", i))
		require.NoError(t, err)
		_, err = store.CreateLogbookEntry(ctx, pool, u.ID, uuid.Nil, &store.LogbookInput{
			PracticedAt: time.Date(2026, 6, 1+i, 12, 0, 0, 0, time.UTC), DurationMinutes: 10 + i, Type: "lesson"})
		require.NoError(t, err)
	}
	// The days were never enqueued (no EnqueueTx) and are fresh, so only the full rollup
	// reaches them. It is unique per day: a second insert is skipped.
	res, err := client.Insert(ctx, analytics.NightlyArgs{}, nil)
	require.NoError(t, err)
	require.False(t, res.UniqueSkippedAsDuplicate)
	res, err = client.Insert(ctx, analytics.NightlyArgs{}, nil)
	require.NoError(t, err)
	require.True(t, res.UniqueSkippedAsDuplicate, "one nightly rollup per day")
	newClient(t, pool, true)
	settle(t, pool)
	requireMatchesOracleTables(t, pool, "days", "type", "weeks", "months")
	var users int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(DISTINCT user_id) FROM practice_days`).Scan(&users))
	require.Equal(t, 7, users)
}

// TestPushesAndWritesOfOneDayDoNotDeadlock: a sync push locks the user's change log before it
// writes; a REST write locks it through the change-log trigger. Both then mark the day. The
// marks' triggers fire after the change log's, so both take the locks in one order.
func TestPushesAndWritesOfOneDayDoNotDeadlock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := dbtest.NewDatabase(t)
	client := newClient(t, pool, true)
	u, err := store.EnsureUser(ctx, pool, "two-devices@example.com")
	require.NoError(t, err)
	_, err = store.CreateGoal(ctx, pool, u.ID, uuid.Nil, &store.GoalInput{Title: "Daily", Type: "practice_time", TargetValue: 100})
	require.NoError(t, err)
	at := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	writer := func(push bool) func() error {
		return func() error {
			for i := range 40 {
				err := tryWrite(pool, client, u.ID, func(tx pgx.Tx) error {
					if push {
						if err := store.LockChanges(ctx, tx, u.ID); err != nil {
							return err
						}
					}
					// Two days, in either order, as an import or an entry moved between days does.
					days := []int{0, 1}
					if i%2 == 1 {
						days = []int{1, 0}
					}
					for _, d := range days {
						if _, err := store.CreateLogbookEntry(ctx, tx, u.ID, uuid.Nil, &store.LogbookInput{
							PracticedAt: at.AddDate(0, 0, d), DurationMinutes: 5, Type: "practice"}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		}
	}
	inParallel(t, writer(true), writer(false))
	settle(t, pool)
	require.Equal(t, map[string]int{"2026-07-01": 400, "2026-07-02": 400}, localDays(t, pool, u.ID))
}

// TestMidnightTwice: in Havana, 2025-11-02 00:00 happens twice (01:00 CDT falls back to
// 00:00 CST). An entry in the first hour still counts on the 2nd.
func TestMidnightTwice(t *testing.T) {
	t.Parallel()
	pool, _ := dbtest.NewDatabase(t)
	client := newClient(t, pool, true)
	u := userIn(t, pool, "havana@example.com", "America/Havana")
	for at, minutes := range map[string]int{"2025-11-02T04:30:00Z": 20, "2025-11-02T06:00:00Z": 30, "2025-11-02T03:30:00Z": 7} {
		logAt(t, pool, client, u.ID, at, minutes)
	}
	settle(t, pool)
	require.Equal(t, map[string]int{"2025-11-01": 7, "2025-11-02": 50}, localDays(t, pool, u.ID))
}
