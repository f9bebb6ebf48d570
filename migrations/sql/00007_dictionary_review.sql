-- +goose Up
-- Lexical search: each entry's text as a tsvector in its language's text search
-- configuration (stemming for en, es, fr, de; words as written for Chinese), and its names
-- (the term and its usual name in the entry's language), folded, for trigram matching.
-- Both are kept up to date by a trigger, so every way of writing an entry keeps them right.

-- +goose StatementBegin
CREATE FUNCTION dictionary_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lang WHEN 'en' THEN 'english' WHEN 'es' THEN 'spanish' WHEN 'fr' THEN 'french'
        WHEN 'de' THEN 'german' ELSE 'simple' END::regconfig
$$;
-- +goose StatementEnd

ALTER TABLE dictionary_entries
    ADD COLUMN search tsvector,
    ADD COLUMN names text,
    -- Scores are shown as written (0.97), which real cannot hold exactly.
    ALTER COLUMN quality_score TYPE double precision USING round(quality_score::numeric, 3)::double precision;

-- +goose StatementBegin
CREATE FUNCTION dictionary_entry_text() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cfg regconfig := dictionary_ts_config(NEW.lang);
BEGIN
    -- A change of the content is a new version, whoever wrote it (so the history keeps
    -- every text an entry had).
    IF TG_OP = 'UPDATE' AND NEW.version = OLD.version
        AND (NEW.term, NEW.type, NEW.source_lang, NEW.definition, NEW.origin)
            IS DISTINCT FROM (OLD.term, OLD.type, OLD.source_lang, OLD.definition, OLD.origin) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    NEW.names := lower(unaccent(NEW.term || ' ' || coalesce(NEW.definition->>'translation', '')));
    NEW.search := setweight(to_tsvector(cfg, NEW.names), 'A')
        || setweight(to_tsvector(cfg, unaccent(coalesce(NEW.definition->>'concise', ''))), 'B')
        || setweight(to_tsvector(cfg, unaccent(coalesce(NEW.definition->>'detailed', ''))), 'C');
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER dictionary_entry_text BEFORE INSERT OR UPDATE ON dictionary_entries
    FOR EACH ROW EXECUTE FUNCTION dictionary_entry_text();
UPDATE dictionary_entries SET term = term;
CREATE INDEX dictionary_entries_search ON dictionary_entries USING gin (search);
CREATE INDEX dictionary_entries_names ON dictionary_entries USING gin (names gin_trgm_ops);
CREATE INDEX dictionary_entries_review ON dictionary_entries (updated_at) WHERE status = 'review';

-- Every version of every entry: a trigger records each one as it is written.
CREATE TABLE dictionary_entry_versions (
    entry_id       uuid NOT NULL REFERENCES dictionary_entries ON DELETE CASCADE,
    version        integer NOT NULL,
    term           text NOT NULL,
    type           text NOT NULL,
    source_lang    text,
    definition     jsonb NOT NULL,
    origin         text NOT NULL,
    quality_score  double precision,
    quality_issues jsonb NOT NULL,
    status         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, version)
);

-- +goose StatementBegin
CREATE FUNCTION dictionary_entry_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dictionary_entry_versions (entry_id, version, term, type, source_lang, definition, origin,
        quality_score, quality_issues, status)
    VALUES (NEW.id, NEW.version, NEW.term, NEW.type, NEW.source_lang, NEW.definition, NEW.origin,
        NEW.quality_score, NEW.quality_issues, NEW.status)
    -- The same version again: its text stays as first written; its review state follows
    -- the entry (a version sent back to review by readers' reports says so).
    ON CONFLICT (entry_id, version) DO UPDATE SET quality_score = EXCLUDED.quality_score,
        quality_issues = EXCLUDED.quality_issues, status = EXCLUDED.status;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER dictionary_entry_version AFTER INSERT ON dictionary_entries
    FOR EACH ROW EXECUTE FUNCTION dictionary_entry_version();
CREATE TRIGGER dictionary_entry_version_update AFTER UPDATE ON dictionary_entries
    FOR EACH ROW WHEN ((OLD.version, OLD.status, OLD.quality_issues) IS DISTINCT FROM (NEW.version, NEW.status, NEW.quality_issues))
    EXECUTE FUNCTION dictionary_entry_version();
INSERT INTO dictionary_entry_versions (entry_id, version, term, type, source_lang, definition, origin,
    quality_score, quality_issues, status, created_at)
SELECT id, version, term, type, source_lang, definition, origin, quality_score, quality_issues, status, updated_at
FROM dictionary_entries;

-- Readers' feedback: one answer per reader and entry, which they may change.
CREATE TABLE dictionary_feedback (
    entry_id   uuid NOT NULL REFERENCES dictionary_entries ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    helpful    boolean NOT NULL,
    comment    text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, user_id)
);
CREATE INDEX dictionary_feedback_user ON dictionary_feedback (user_id);

-- Reports of a wrong or harmful entry: one per reader and version of the entry.
CREATE TABLE dictionary_reports (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entry_id      uuid NOT NULL REFERENCES dictionary_entries ON DELETE CASCADE,
    entry_version integer NOT NULL,
    user_id       uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    reason        text NOT NULL CHECK (reason IN ('incorrect', 'incomplete', 'wrong_language', 'offensive', 'other')),
    comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entry_id, user_id, entry_version)
);
CREATE INDEX dictionary_reports_user ON dictionary_reports (user_id);
CREATE INDEX dictionary_reports_open ON dictionary_reports (entry_id) WHERE status = 'open';

-- How often entries are used, per day: counts only, no reader.
CREATE TABLE dictionary_usage (
    entry_id uuid NOT NULL REFERENCES dictionary_entries ON DELETE CASCADE,
    day      date NOT NULL,
    event    text NOT NULL CHECK (event IN ('lookup', 'view', 'share', 'copy', 'audio')),
    count    bigint NOT NULL CHECK (count > 0),
    PRIMARY KEY (entry_id, day, event)
);
CREATE INDEX dictionary_usage_day ON dictionary_usage (day);

-- +goose Down
DROP TABLE dictionary_usage;
DROP TABLE dictionary_reports;
DROP TABLE dictionary_feedback;
DROP TRIGGER dictionary_entry_version_update ON dictionary_entries;
DROP TRIGGER dictionary_entry_version ON dictionary_entries;
DROP FUNCTION dictionary_entry_version();
DROP TABLE dictionary_entry_versions;
DROP TRIGGER dictionary_entry_text ON dictionary_entries;
DROP FUNCTION dictionary_entry_text();
ALTER TABLE dictionary_entries DROP COLUMN search, DROP COLUMN names, ALTER COLUMN quality_score TYPE real;
DROP FUNCTION dictionary_ts_config(text);
