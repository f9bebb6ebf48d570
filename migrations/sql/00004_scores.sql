-- +goose Up
-- Accent-insensitive and fuzzy search over scores (both extensions are trusted: no superuser).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A score: one PDF and what the pipeline made of it.
CREATE TABLE scores (
    id            uuid PRIMARY KEY,
    owner_id      uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    status        text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
    failure       text,                          -- why it failed, for the person who uploaded it
    source        text NOT NULL CHECK (source IN ('upload', 'images', 'url', 'imslp')),
    source_url    text,
    filename      text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    sha256        text NOT NULL,
    page_count    integer NOT NULL CHECK (page_count > 0),
    blob_key      text NOT NULL,
    pdf_info      jsonb NOT NULL DEFAULT '{}', -- the PDF's information dictionary, read at intake
    thumbnail_key text,
    visibility    text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'unlisted', 'public')),
    -- Extracted metadata: per field {value, confidence, source}. Written by the pipeline only.
    extracted     jsonb NOT NULL DEFAULT '{}',
    -- What the owner set by hand: per field, a value. Never touched by (re)processing.
    corrections   jsonb NOT NULL DEFAULT '{}',
    -- The effective values (a correction wins over an extracted value), kept for listing,
    -- facets and search by the pipeline's index step and by every update.
    title         text NOT NULL DEFAULT '',
    composer      text NOT NULL DEFAULT '',
    opus          text NOT NULL DEFAULT '',
    instrumentation text NOT NULL DEFAULT '',
    period        text NOT NULL DEFAULT '',
    difficulty    integer CHECK (difficulty BETWEEN 1 AND 10),
    search        tsvector,
    run_id        uuid REFERENCES pipeline_runs ON DELETE SET NULL, -- the latest pipeline run
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scores_owner ON scores (owner_id, created_at DESC, id DESC);
CREATE INDEX scores_public ON scores (created_at DESC, id DESC) WHERE visibility = 'public' AND status = 'ready';
CREATE INDEX scores_search ON scores USING gin (search);
CREATE INDEX scores_composer_trgm ON scores USING gin (composer gin_trgm_ops);

-- One row per page, written by the split step (so a retried split makes each page once),
-- completed by the render and text steps.
CREATE TABLE score_pages (
    score_id  uuid NOT NULL REFERENCES scores ON DELETE CASCADE,
    n         integer NOT NULL CHECK (n > 0),
    pdf_key   text NOT NULL,
    png_key   text,
    text      text,
    PRIMARY KEY (score_id, n)
);

-- +goose Down
DROP TABLE score_pages;
DROP TABLE scores;
