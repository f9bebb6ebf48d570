-- +goose Up
-- Accounts: profile, role, preferences; version for optimistic concurrency.
ALTER TABLE users
    ADD COLUMN display_name       text NOT NULL DEFAULT '',
    ADD COLUMN primary_instrument text NOT NULL DEFAULT '',
    ADD COLUMN timezone           text NOT NULL DEFAULT 'UTC',
    ADD COLUMN locale             text NOT NULL DEFAULT 'en',
    ADD COLUMN role               text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'teacher', 'admin')),
    ADD COLUMN google_sub         text UNIQUE,
    ADD COLUMN preferences        jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN version            integer NOT NULL DEFAULT 1,
    -- Set when the account's deletion job is enqueued: the account is gone for the API at once.
    ADD COLUMN deleted_at         timestamptz;

-- Magic sign-in links: only a hash of the token is kept; single use; short-lived.
CREATE TABLE magic_links (
    token_hash bytea PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX magic_links_expires_at ON magic_links (expires_at);

-- Refresh tokens rotate: each use replaces the token with a new one of the same family.
-- Presenting a replaced token again revokes the whole family (it was stolen or replayed).
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    replaced_at timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Fixed-window rate-limit counters shared by every API process.
CREATE TABLE rate_limits (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL
);

-- Idempotency-Key: the first response to a key is stored and replayed to retries.
CREATE TABLE idempotency_keys (
    user_id      uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer,          -- NULL while the first request is in flight
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

CREATE TABLE logbook_entries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    practiced_at     timestamptz NOT NULL,
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    type             text NOT NULL CHECK (type IN ('practice', 'performance', 'lesson', 'rehearsal', 'technique', 'other')),
    instrument       text NOT NULL DEFAULT '',
    pieces           jsonb NOT NULL DEFAULT '[]',
    techniques       text[] NOT NULL DEFAULT '{}',
    mood             text,
    notes            text NOT NULL DEFAULT '',
    tags             text[] NOT NULL DEFAULT '{}',
    goal_ids         uuid[] NOT NULL DEFAULT '{}',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logbook_entries_user_practiced ON logbook_entries (user_id, practiced_at DESC, id DESC);
CREATE INDEX logbook_entries_tags ON logbook_entries USING gin (tags);

CREATE TABLE repertoire_items (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    title         text NOT NULL,
    composer      text NOT NULL DEFAULT '',
    score_id      uuid,
    status        text NOT NULL CHECK (status IN ('planned', 'learning', 'polished', 'performance_ready', 'dropped')),
    difficulty    integer CHECK (difficulty BETWEEN 1 AND 10),
    target_tempo  integer,
    current_tempo integer,
    notes         text NOT NULL DEFAULT '',
    links         text[] NOT NULL DEFAULT '{}',
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repertoire_items_user ON repertoire_items (user_id, updated_at DESC, id DESC);

CREATE TABLE repertoire_status_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id     uuid NOT NULL REFERENCES repertoire_items ON DELETE CASCADE,
    from_status text,
    to_status   text NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repertoire_status_history_item ON repertoire_status_history (item_id, changed_at);

CREATE TABLE goals (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    title         text NOT NULL,
    description   text NOT NULL DEFAULT '',
    type          text NOT NULL CHECK (type IN ('practice_time', 'repertoire', 'tempo', 'custom')),
    target_value  double precision NOT NULL,
    current_value double precision NOT NULL DEFAULT 0,
    unit          text NOT NULL DEFAULT '',
    due_date      date,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'abandoned')),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goals_user ON goals (user_id, updated_at DESC, id DESC);

CREATE TABLE goal_progress (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    goal_id     uuid NOT NULL REFERENCES goals ON DELETE CASCADE,
    value       double precision NOT NULL,
    note        text NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goal_progress_goal ON goal_progress (goal_id, recorded_at);

-- +goose Down
DROP TABLE goal_progress, goals, repertoire_status_history, repertoire_items, logbook_entries,
    idempotency_keys, rate_limits, refresh_tokens, magic_links;
ALTER TABLE users DROP COLUMN display_name, DROP COLUMN primary_instrument, DROP COLUMN timezone,
    DROP COLUMN locale, DROP COLUMN role, DROP COLUMN google_sub, DROP COLUMN preferences,
    DROP COLUMN version, DROP COLUMN deleted_at;
