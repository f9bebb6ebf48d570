-- +goose Up
-- Analytics: practice statistics rolled up by jobs (pipelines/analytics) per user and local
-- day, so reads never scan a musician's whole logbook. docs/analytics.md explains the design.

-- Days whose rollups are out of date. Triggers write them in the transaction of the change
-- that made them so; the same transaction flips enqueued and inserts the day's rollup job
-- (pipelines/analytics.EnqueueTx). The job claims its row before it reads the day and deletes
-- it once the day is rolled up, if it still holds the claim: a change to a claimed day
-- unclaims it and asks for a new job, so no change is ever left out. day '-infinity' means
-- every day of the user (the timezone changed).
CREATE TABLE analytics_dirty (
    user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    day        date NOT NULL,
    enqueued   boolean NOT NULL DEFAULT false,
    enqueued_at timestamptz,
    claimed_by bigint,       -- the River job rolling the day up
    claimed_at timestamptz,
    changes    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, day)
);
CREATE INDEX analytics_dirty_waiting ON analytics_dirty (created_at) WHERE NOT enqueued;

-- Totals per user and local day.
CREATE TABLE practice_days (
    user_id  uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    day      date NOT NULL,
    minutes  integer NOT NULL,
    sessions integer NOT NULL,
    -- Covering: a span's days are read from the index alone.
    PRIMARY KEY (user_id, day) INCLUDE (minutes, sessions)
);

-- Minutes and sessions per user, local day and value of a dimension: an entry's instrument,
-- type and mood; its pieces and their composers. A piece's minutes are its own when the entry
-- gives them, else an equal share of the entry's minutes the other pieces did not claim.
CREATE TABLE practice_day_facets (
    user_id   uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    dimension text NOT NULL CHECK (dimension IN ('instrument', 'type', 'mood', 'piece', 'composer')),
    key       text NOT NULL,            -- normalized: case and spacing folded
    day       date NOT NULL,
    label     text NOT NULL,            -- as written (a piece: its title)
    detail    text NOT NULL DEFAULT '', -- a piece: its composer
    minutes   numeric NOT NULL,
    sessions  integer NOT NULL,
    last_at   timestamptz NOT NULL,     -- the latest practiced_at of the day
    PRIMARY KEY (user_id, dimension, key, day)
);
-- Covering: a summary of a span by one dimension is read from the index alone.
CREATE INDEX practice_day_facets_span ON practice_day_facets (user_id, dimension, day)
    INCLUDE (key, label, detail, minutes, sessions);

-- All-time totals per piece.
CREATE TABLE practice_pieces (
    user_id           uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    key               text NOT NULL,
    title             text NOT NULL,
    composer          text NOT NULL,
    sessions          integer NOT NULL,
    minutes           numeric NOT NULL,
    first_day         date NOT NULL,
    last_practiced_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Weekly (ISO weeks, from Monday) and monthly summaries.
CREATE TABLE practice_periods (
    user_id  uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    period   text NOT NULL CHECK (period IN ('week', 'month')),
    start    date NOT NULL,
    minutes  integer NOT NULL,
    sessions integer NOT NULL,
    days     integer NOT NULL, -- days practiced
    PRIMARY KEY (user_id, period, start)
);

-- Streaks: the longest run of consecutive practice days and the latest one (it is the current
-- streak while it ends today or yesterday in the user's timezone; readers decide that).
CREATE TABLE practice_streaks (
    user_id       uuid PRIMARY KEY REFERENCES users ON DELETE CASCADE,
    longest       integer NOT NULL,
    longest_start date NOT NULL,
    longest_end   date NOT NULL,
    latest        integer NOT NULL,
    latest_start  date NOT NULL,
    latest_end    date NOT NULL
);

-- A piece's identity across entries and the repertoire: composer and title, case and
-- spacing folded.
CREATE FUNCTION analytics_piece_key(title text, composer text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(regexp_replace(btrim(coalesce(composer, '')), '\s+', ' ', 'g')) || '|' ||
           lower(regexp_replace(btrim(coalesce(title, '')), '\s+', ' ', 'g'));

-- +goose StatementBegin
CREATE FUNCTION analytics_mark(uid uuid, d date) RETURNS void LANGUAGE sql AS $$
    -- On conflict the row is updated, not skipped: the lock makes a job claiming the row wait
    -- for this transaction, so it then reads this change. A row already claimed may have been
    -- read before this change: it needs a new job.
    INSERT INTO analytics_dirty (user_id, day) VALUES (uid, d)
    ON CONFLICT (user_id, day) DO UPDATE SET changes = analytics_dirty.changes + 1,
        enqueued = analytics_dirty.enqueued AND analytics_dirty.claimed_by IS NULL,
        claimed_by = NULL, claimed_at = NULL;
$$;

CREATE FUNCTION analytics_mark_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uid     uuid;
    tz      text;
    old_day date;
    new_day date;
BEGIN
    uid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
    -- FOR SHARE: a timezone change waits for this write (and the other way round), so the
    -- day marked is the day in the timezone the rollups will use.
    SELECT timezone INTO tz FROM users WHERE id = uid FOR SHARE;
    IF NOT FOUND THEN
        RETURN NULL; -- deleted with its user: the rollups go too
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_day := (OLD.practiced_at AT TIME ZONE tz)::date;
        PERFORM analytics_mark(uid, old_day);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_day := (NEW.practiced_at AT TIME ZONE tz)::date;
        IF new_day IS DISTINCT FROM old_day THEN
            PERFORM analytics_mark(uid, new_day);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- A practice-time goal's progress comes from the rollups: a new one, or one whose window or
-- unit changed, needs computing.
CREATE FUNCTION analytics_mark_goal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tz text;
BEGIN
    IF current_setting('mirubato.analytics_rollup', true) = 'on' THEN
        RETURN NULL; -- the rollup itself setting the value
    END IF;
    SELECT timezone INTO tz FROM users WHERE id = NEW.user_id;
    IF FOUND THEN
        PERFORM analytics_mark(NEW.user_id, (now() AT TIME ZONE tz)::date);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION analytics_mark_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM analytics_mark(NEW.id, '-infinity');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Triggers of one event fire in name order: these are named to fire after sync_record
-- (00008), so every writer locks its user's change log before a day's mark, the order sync
-- pushes (LockChanges) and rollups (their goal updates) take them in too.
CREATE TRIGGER z_analytics_mark AFTER INSERT OR DELETE ON logbook_entries
    FOR EACH ROW EXECUTE FUNCTION analytics_mark_entry();
CREATE TRIGGER z_analytics_mark_update AFTER UPDATE ON logbook_entries
    FOR EACH ROW
    WHEN (OLD.practiced_at IS DISTINCT FROM NEW.practiced_at
        OR OLD.duration_minutes IS DISTINCT FROM NEW.duration_minutes
        OR OLD.type IS DISTINCT FROM NEW.type
        OR OLD.instrument IS DISTINCT FROM NEW.instrument
        OR OLD.mood IS DISTINCT FROM NEW.mood
        OR OLD.pieces IS DISTINCT FROM NEW.pieces)
    EXECUTE FUNCTION analytics_mark_entry();
CREATE TRIGGER z_analytics_mark_goal AFTER INSERT ON goals
    FOR EACH ROW WHEN (NEW.type = 'practice_time') EXECUTE FUNCTION analytics_mark_goal();
-- A client writing a practice-time goal's value is overruled by the rollups: recompute it.
CREATE TRIGGER z_analytics_mark_goal_update AFTER UPDATE ON goals
    FOR EACH ROW
    WHEN (NEW.type = 'practice_time' AND (OLD.type IS DISTINCT FROM NEW.type
        OR OLD.unit IS DISTINCT FROM NEW.unit OR OLD.due_date IS DISTINCT FROM NEW.due_date
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.current_value IS DISTINCT FROM NEW.current_value))
    EXECUTE FUNCTION analytics_mark_goal();
CREATE TRIGGER z_analytics_mark_timezone AFTER UPDATE OF timezone ON users
    FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION analytics_mark_user();

-- +goose Down
DROP TRIGGER z_analytics_mark_timezone ON users;
DROP TRIGGER z_analytics_mark_goal_update ON goals;
DROP TRIGGER z_analytics_mark_goal ON goals;
DROP TRIGGER z_analytics_mark_update ON logbook_entries;
DROP TRIGGER z_analytics_mark ON logbook_entries;
DROP FUNCTION analytics_mark_user(), analytics_mark_goal(), analytics_mark_entry(),
    analytics_mark(uuid, date), analytics_piece_key(text, text);
DROP TABLE practice_streaks, practice_periods, practice_pieces, practice_day_facets, practice_days, analytics_dirty;
