-- +goose Up
-- Sync: each user's change log. Every write of a synced table records its change, in the
-- same transaction, through a trigger (so no code path can forget it), numbered by a
-- per-user sequence. The sequence's row stays locked until the writing transaction ends, so
-- a user's changes commit in sequence order: a reader that has seen seq N never later finds
-- a change below N.
CREATE TABLE sync_cursors (
    user_id uuid PRIMARY KEY REFERENCES users ON DELETE CASCADE,
    seq     bigint NOT NULL
);

CREATE TABLE sync_changes (
    user_id   uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    seq       bigint NOT NULL,
    entity    text NOT NULL,   -- logbook_entry, repertoire_item, goal, goal_progress, collection,
                               -- collection_score, favorite, preferences
    entity_id text NOT NULL,
    op        text NOT NULL CHECK (op IN ('upsert', 'delete')),
    version   integer,         -- the entity's version after the change, when it has one
    data      jsonb,           -- the entity after the change; null for a delete (a tombstone)
    fields    text[],          -- for an update, the fields that changed
    device_id text NOT NULL,   -- the device that made the change ('' when not known)
    client_ts timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, seq)
);
CREATE INDEX sync_changes_entity ON sync_changes (user_id, entity, entity_id, seq);

-- Pushed changes already applied, by the client's change id: a repeated push is applied once.
CREATE TABLE sync_pushes (
    user_id          uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    device_id        text NOT NULL,
    client_change_id text NOT NULL,
    result           jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, device_id, client_change_id)
);
CREATE INDEX sync_pushes_created ON sync_pushes (created_at);

-- A user's devices, for presence.
CREATE TABLE sync_devices (
    user_id      uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    device_id    text NOT NULL CHECK (length(device_id) BETWEEN 1 AND 100),
    name         text NOT NULL DEFAULT '',
    cursor       bigint NOT NULL DEFAULT 0,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, device_id)
);

-- Open sockets, one row each, refreshed every 30 s while open and deleted when closed (a row
-- left by a process that died goes stale): a device is connected while it has a fresh one.
CREATE TABLE sync_connections (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL,
    device_id    text NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id, device_id) REFERENCES sync_devices ON DELETE CASCADE
);
CREATE INDEX sync_connections_device ON sync_connections (user_id, device_id);

-- +goose StatementBegin
CREATE FUNCTION sync_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r         record;
    row_json  jsonb;
    old_json  jsonb;
    uid       uuid;
    eid       text;
    op        text := 'upsert';
    changed   text[];
    next_seq  bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := OLD;
        op := 'delete';
    ELSE
        r := NEW;
    END IF;
    row_json := to_jsonb(r);
    CASE TG_TABLE_NAME
        WHEN 'collections' THEN uid := r.owner_id; eid := r.id::text;
        WHEN 'goal_progress' THEN SELECT user_id INTO uid FROM goals WHERE id = r.goal_id; eid := r.id::text;
        WHEN 'collection_scores' THEN
            SELECT owner_id INTO uid FROM collections WHERE id = r.collection_id;
            eid := r.collection_id::text || ':' || r.score_id::text;
        WHEN 'favorites' THEN uid := r.user_id; eid := r.score_id::text;
        WHEN 'users' THEN
            uid := r.id; eid := r.id::text;
            row_json := jsonb_build_object('preferences', r.preferences, 'version', r.version);
        ELSE uid := r.user_id; eid := r.id::text;
    END CASE;
    -- Rows deleted with their user (or their collection) need no change: the user is gone, or
    -- the collection's own tombstone says it all.
    IF uid IS NULL OR NOT EXISTS (SELECT 1 FROM users WHERE id = uid) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF TG_TABLE_NAME = 'users' THEN
            old_json := jsonb_build_object('preferences', OLD.preferences, 'version', OLD.version);
        ELSE
            old_json := to_jsonb(OLD);
        END IF;
        SELECT array_agg(n.key ORDER BY n.key) INTO changed
        FROM jsonb_each(row_json) n
        WHERE n.value IS DISTINCT FROM old_json -> n.key AND n.key NOT IN ('version', 'updated_at');
        IF changed IS NULL THEN
            RETURN NULL; -- nothing a device shows changed (a repeated PUT, a re-import)
        END IF;
    END IF;
    INSERT INTO sync_cursors AS c (user_id, seq) VALUES (uid, 1)
    ON CONFLICT (user_id) DO UPDATE SET seq = c.seq + 1
    RETURNING seq INTO next_seq;
    INSERT INTO sync_changes (user_id, seq, entity, entity_id, op, version, data, fields, device_id, client_ts)
    VALUES (uid, next_seq, TG_ARGV[0], eid, op, (row_json->>'version')::integer,
        CASE WHEN op = 'delete' THEN NULL ELSE row_json - 'user_id' - 'owner_id' END, changed,
        coalesce(current_setting('mirubato.device_id', true), ''),
        coalesce(nullif(current_setting('mirubato.client_ts', true), '')::timestamptz, now()));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON logbook_entries
    FOR EACH ROW EXECUTE FUNCTION sync_record('logbook_entry');
CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON repertoire_items
    FOR EACH ROW EXECUTE FUNCTION sync_record('repertoire_item');
CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON goals
    FOR EACH ROW EXECUTE FUNCTION sync_record('goal');
CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON goal_progress
    FOR EACH ROW EXECUTE FUNCTION sync_record('goal_progress');
CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON collections
    FOR EACH ROW EXECUTE FUNCTION sync_record('collection');
CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON collection_scores
    FOR EACH ROW EXECUTE FUNCTION sync_record('collection_score');
CREATE TRIGGER sync_record AFTER INSERT OR UPDATE OR DELETE ON favorites
    FOR EACH ROW EXECUTE FUNCTION sync_record('favorite');
CREATE TRIGGER sync_record AFTER UPDATE OF preferences ON users
    FOR EACH ROW WHEN (OLD.preferences IS DISTINCT FROM NEW.preferences) EXECUTE FUNCTION sync_record('preferences');

-- +goose Down
DROP TRIGGER sync_record ON users;
DROP TRIGGER sync_record ON favorites;
DROP TRIGGER sync_record ON collection_scores;
DROP TRIGGER sync_record ON collections;
DROP TRIGGER sync_record ON goal_progress;
DROP TRIGGER sync_record ON goals;
DROP TRIGGER sync_record ON repertoire_items;
DROP TRIGGER sync_record ON logbook_entries;
DROP FUNCTION sync_record();
DROP TABLE sync_connections;
DROP TABLE sync_devices;
DROP TABLE sync_pushes;
DROP TABLE sync_changes;
DROP TABLE sync_cursors;
