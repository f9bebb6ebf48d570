// Package analytics rolls practice statistics up from the logbook: per user and local day
// (totals and per instrument, type, mood, piece and composer), per piece, per week and month,
// and streaks. Jobs keep the rollups current: one per changed day, inserted in the transaction
// of the change (EnqueueTx), and a nightly full rollup. The API reads only the rollups.
// docs/analytics.md describes the tables and why the day jobs are deduplicated by
// analytics_dirty rather than by River's unique jobs.
package analytics

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// allDays returns the bounds of a rollup over every day.
func allDays() (lo, hi pgtype.Date) {
	return pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true},
		pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}
}

// day returns d as a date parameter.
func day(d time.Time) pgtype.Date { return pgtype.Date{Time: d, Valid: true} }

// entries selects the logbook entries of users $1 whose local day is within $2..$3
// (inclusive dates; infinite bounds allowed), with that day. A day wider bounds become
// instants in each user's timezone, so the (user_id, practiced_at) index does the work; the
// local date decides (where a midnight happens twice, an instant bound alone would not).
const entries = `
	e AS (
		SELECT e.user_id, e.id, e.practiced_at, e.duration_minutes, e.type, e.instrument, e.mood, e.pieces,
			(e.practiced_at AT TIME ZONE u.timezone)::date AS day
		FROM users u
		JOIN logbook_entries e ON e.user_id = u.id
			AND e.practiced_at >= (($2::date - 1)::timestamp AT TIME ZONE u.timezone)
			AND e.practiced_at < (($3::date + 2)::timestamp AT TIME ZONE u.timezone)
			AND (e.practiced_at AT TIME ZONE u.timezone)::date BETWEEN $2 AND $3
		WHERE u.id = ANY($1::uuid[])
	)`

const insertDays = `WITH` + entries + `
	INSERT INTO practice_days (user_id, day, minutes, sessions)
	SELECT user_id, day, sum(duration_minutes), count(*) FROM e GROUP BY user_id, day
	ORDER BY user_id, day -- a user's rows together on disk`

// insertFacets writes each day's facets. A piece's minutes are its own when given, else an
// equal share of what the entry's other pieces left of its minutes.
const insertFacets = `WITH` + entries + `,
	p AS (
		SELECT e.user_id, e.day, e.id, e.practiced_at, e.duration_minutes,
			btrim(x.p->>'title') AS title, btrim(coalesce(x.p->>'composer', '')) AS composer,
			(x.p->>'minutes')::numeric AS own
		FROM e CROSS JOIN LATERAL jsonb_array_elements(e.pieces) AS x(p)
	),
	pm AS (
		SELECT user_id, day, id, practiced_at, title, composer,
			coalesce(own, greatest(duration_minutes - coalesce(sum(own) OVER w, 0), 0)
				/ count(*) FILTER (WHERE own IS NULL) OVER w) AS minutes
		FROM p WINDOW w AS (PARTITION BY id)
	)
	INSERT INTO practice_day_facets (user_id, dimension, key, day, label, detail, minutes, sessions, last_at)
	SELECT * FROM (
	SELECT user_id, 'type' AS dimension, type AS key, day, type AS label, '' AS detail,
			sum(duration_minutes) AS minutes, count(*) AS sessions, max(practiced_at) AS last_at
		FROM e GROUP BY user_id, day, type
	UNION ALL
	SELECT user_id, 'instrument', lower(btrim(instrument)), day, min(btrim(instrument)), '', sum(duration_minutes),
			count(*), max(practiced_at)
		FROM e WHERE btrim(instrument) <> '' GROUP BY user_id, day, lower(btrim(instrument))
	UNION ALL
	SELECT user_id, 'mood', mood, day, mood, '', sum(duration_minutes), count(*), max(practiced_at)
		FROM e WHERE mood IS NOT NULL GROUP BY user_id, day, mood
	UNION ALL
	SELECT user_id, 'piece', analytics_piece_key(title, composer), day, min(title), min(composer), sum(minutes),
			count(DISTINCT id), max(practiced_at)
		FROM pm GROUP BY user_id, day, analytics_piece_key(title, composer)
	UNION ALL
	SELECT user_id, 'composer', lower(regexp_replace(composer, '\s+', ' ', 'g')), day, min(composer), '', sum(minutes),
			count(DISTINCT id), max(practiced_at)
		FROM pm WHERE composer <> '' GROUP BY user_id, day, lower(regexp_replace(composer, '\s+', ' ', 'g'))
	) f ORDER BY user_id, dimension, key, day
	RETURNING dimension, key`

// Pieces' totals, for the pieces $2 (all of them when null).
const (
	deletePieces = `DELETE FROM practice_pieces WHERE user_id = ANY($1::uuid[]) AND ($2::text[] IS NULL OR key = ANY($2))`
	insertPieces = `
	INSERT INTO practice_pieces (user_id, key, title, composer, sessions, minutes, first_day, last_practiced_at)
	SELECT user_id, key, min(label), min(detail), sum(sessions), sum(minutes), min(day), max(last_at)
	FROM practice_day_facets
	WHERE user_id = ANY($1::uuid[]) AND dimension = 'piece' AND ($2::text[] IS NULL OR key = ANY($2))
	GROUP BY user_id, key
	ORDER BY user_id, key`
)

// Weekly and monthly summaries of the periods ($4: week or month) that hold days $2..$3.
const (
	deletePeriods = `
	DELETE FROM practice_periods WHERE user_id = ANY($1::uuid[]) AND period = $4
		AND start >= date_trunc($4, $2::date::timestamp)::date AND start <= $3::date`
	insertPeriods = `
	INSERT INTO practice_periods (user_id, period, start, minutes, sessions, days)
	SELECT user_id, $4, date_trunc($4, day::timestamp)::date, sum(minutes), sum(sessions), count(*)
	FROM practice_days
	WHERE user_id = ANY($1::uuid[]) AND day >= date_trunc($4, $2::date::timestamp)::date
		AND day < (date_trunc($4, $3::date::timestamp) + ('1 ' || $4)::interval)::date
	GROUP BY user_id, date_trunc($4, day::timestamp)
	ORDER BY user_id, 3`
)

// Streaks: runs of consecutive days (a day minus its rank is constant along a run).
const (
	deleteStreaks = `DELETE FROM practice_streaks WHERE user_id = ANY($1::uuid[])`
	insertStreaks = `
	WITH runs AS (
		SELECT user_id, min(day) AS s, max(day) AS e, count(*)::int AS n
		FROM (
			SELECT user_id, day, day - (row_number() OVER (PARTITION BY user_id ORDER BY day))::int AS run
			FROM practice_days WHERE user_id = ANY($1::uuid[])
		) d
		GROUP BY user_id, run
	)
	INSERT INTO practice_streaks (user_id, longest, longest_start, longest_end, latest, latest_start, latest_end)
	SELECT l.user_id, l.n, l.s, l.e, t.n, t.s, t.e
	FROM (SELECT DISTINCT ON (user_id) * FROM runs ORDER BY user_id, n DESC, e DESC) l
	JOIN (SELECT DISTINCT ON (user_id) * FROM runs ORDER BY user_id, e DESC) t USING (user_id)`
)

// goalValues computes the progress of active practice-time goals whose stored value is
// stale: the minutes practiced from the goal's creation (the user's local day) to its due
// date, in hours when its unit says so, plus any progress recorded by hand.
const goalValues = `
	SELECT id, user_id, value FROM (
		SELECT g.id, g.user_id, g.current_value, round((
			coalesce((SELECT sum(d.minutes) FROM practice_days d
				WHERE d.user_id = g.user_id AND d.day >= (g.created_at AT TIME ZONE u.timezone)::date
					AND (g.due_date IS NULL OR d.day <= g.due_date)), 0)
			/ CASE WHEN lower(btrim(g.unit)) IN ('h', 'hr', 'hrs', 'hour', 'hours') THEN 60.0 ELSE 1 END
			+ coalesce((SELECT sum(p.value) FROM goal_progress p WHERE p.goal_id = g.id), 0)::numeric), 2)::float8 AS value
		FROM goals g JOIN users u ON u.id = g.user_id
		WHERE g.user_id = ANY($1::uuid[]) AND g.type = 'practice_time' AND g.status = 'active'
	) v WHERE current_value IS DISTINCT FROM value`

// updateGoals writes the values after locking their users' change logs (in user order):
// the update logs a change there, and writers (sync pushes) lock the log before the goal.
// A change bumps the version (devices sync it).
const updateGoals = `
	UPDATE goals SET current_value = v.value, version = goals.version + 1, updated_at = now()
	FROM unnest($1::uuid[], $2::float8[]) AS v(id, value)
	WHERE goals.id = v.id AND goals.current_value IS DISTINCT FROM v.value
	RETURNING goals.user_id`

// lockUsers serializes the rollups of each user (a day job and a full rollup of the same
// user would otherwise interleave). Locks are taken in one order, so batches cannot deadlock.
func lockUsers(ctx context.Context, tx pgx.Tx, users []uuid.UUID) error {
	_, err := tx.Exec(ctx, `
		SELECT pg_advisory_xact_lock(k) FROM (
			SELECT DISTINCT hashtextextended('analytics:' || u::text, 0) AS k FROM unnest($1::uuid[]) u ORDER BY 1
		) s`, users)
	if err != nil {
		return fmt.Errorf("error locking users' rollups: %w", err)
	}
	return nil
}

// RollupUsers recomputes every rollup of users from their whole logbooks, in tx. It returns
// the users whose practice-time goals changed (their devices need telling).
func RollupUsers(ctx context.Context, tx pgx.Tx, users []uuid.UUID) ([]uuid.UUID, error) {
	if err := lockUsers(ctx, tx, users); err != nil {
		return nil, err
	}
	lo, hi := allDays()
	return rollup(ctx, tx, users, lo, hi, true)
}

// RollupDay recomputes the rollups that day d of user holds a part of, in tx.
func RollupDay(ctx context.Context, tx pgx.Tx, user uuid.UUID, d time.Time) ([]uuid.UUID, error) {
	users := []uuid.UUID{user}
	if err := lockUsers(ctx, tx, users); err != nil {
		return nil, err
	}
	return rollup(ctx, tx, users, day(d), day(d), false)
}

func rollup(ctx context.Context, tx pgx.Tx, users []uuid.UUID, lo, hi pgtype.Date, all bool) ([]uuid.UUID, error) {
	exec := func(what, sql string, args ...any) error {
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			return fmt.Errorf("error rolling up %s: %w", what, err)
		}
		return nil
	}
	if err := exec("days", `DELETE FROM practice_days WHERE user_id = ANY($1::uuid[]) AND day BETWEEN $2 AND $3`, users, lo, hi); err != nil {
		return nil, err
	}
	if err := exec("days", insertDays, users, lo, hi); err != nil {
		return nil, err
	}
	// The pieces whose totals change: those of the days before and after.
	var pieces []string
	collect := func(rows pgx.Rows, err error) error {
		if err != nil {
			return fmt.Errorf("error rolling up facets: %w", err)
		}
		var dim, key string
		_, err = pgx.ForEachRow(rows, []any{&dim, &key}, func() error {
			if dim == "piece" {
				pieces = append(pieces, key)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("error rolling up facets: %w", err)
		}
		return nil
	}
	if all {
		if err := exec("facets", `DELETE FROM practice_day_facets WHERE user_id = ANY($1::uuid[])`, users); err != nil {
			return nil, err
		}
		if err := exec("facets", insertFacets, users, lo, hi); err != nil {
			return nil, err
		}
	} else {
		if err := collect(tx.Query(ctx, `
			DELETE FROM practice_day_facets WHERE user_id = ANY($1::uuid[])
				AND dimension = ANY('{instrument,type,mood,piece,composer}') AND day BETWEEN $2 AND $3
			RETURNING dimension, key`, users, lo, hi)); err != nil {
			return nil, err
		}
		if err := collect(tx.Query(ctx, insertFacets, users, lo, hi)); err != nil {
			return nil, err
		}
	}
	var keys []string // nil: every piece
	if !all {
		slices.Sort(pieces)
		keys = slices.Compact(pieces)
		if keys == nil {
			keys = []string{}
		}
	}
	if all || len(keys) > 0 {
		if err := exec("pieces", deletePieces, users, keys); err != nil {
			return nil, err
		}
		if err := exec("pieces", insertPieces, users, keys); err != nil {
			return nil, err
		}
	}
	for _, period := range []string{"week", "month"} {
		if err := exec(period+"s", deletePeriods, users, lo, hi, period); err != nil {
			return nil, err
		}
		if err := exec(period+"s", insertPeriods, users, lo, hi, period); err != nil {
			return nil, err
		}
	}
	if err := exec("streaks", deleteStreaks, users); err != nil {
		return nil, err
	}
	if err := exec("streaks", insertStreaks, users); err != nil {
		return nil, err
	}
	return setGoals(ctx, tx, users)
}

// setGoals brings practice-time goals up to date and returns the users whose goals changed.
func setGoals(ctx context.Context, tx pgx.Tx, users []uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, goalValues, users)
	if err != nil {
		return nil, fmt.Errorf("error computing practice-time goals: %w", err)
	}
	var ids, owners []uuid.UUID
	var values []float64
	var id, owner uuid.UUID
	var v float64
	if _, err := pgx.ForEachRow(rows, []any{&id, &owner, &v}, func() error {
		ids, owners, values = append(ids, id), append(owners, owner), append(values, v)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("error computing practice-time goals: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.SortFunc(owners, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	owners = slices.Compact(owners)
	// Every owner needs a change-log row to lock (a user's first change creates it); rows
	// are locked in user order.
	if _, err := tx.Exec(ctx, `INSERT INTO sync_cursors (user_id, seq) SELECT u, 0 FROM unnest($1::uuid[]) u
		ORDER BY u ON CONFLICT (user_id) DO NOTHING`, owners); err != nil {
		return nil, fmt.Errorf("error updating practice-time goals: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM sync_cursors WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
		owners); err != nil {
		return nil, fmt.Errorf("error updating practice-time goals: %w", err)
	}
	// The goal trigger marks a changed value for recomputing; not this one.
	if _, err := tx.Exec(ctx, `SELECT set_config('mirubato.analytics_rollup', 'on', true)`); err != nil {
		return nil, fmt.Errorf("error updating practice-time goals: %w", err)
	}
	rows, err = tx.Query(ctx, updateGoals, ids, values)
	if err != nil {
		return nil, fmt.Errorf("error updating practice-time goals: %w", err)
	}
	changed, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("error updating practice-time goals: %w", err)
	}
	slices.SortFunc(changed, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return slices.Compact(changed), nil
}
