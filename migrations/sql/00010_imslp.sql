-- +goose Up
-- IMSLP import (pipelines/imslp; docs/imslp.md).

-- The request rate limit shared by every worker process: the time of the next free turn.
CREATE TABLE imslp_rate (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    next_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO imslp_rate DEFAULT VALUES;

-- A batch: one work, a list of works, or a composer's works (with filters). Its items are
-- inserted with their jobs, in one transaction (a composer's, once its works are listed).
CREATE TABLE imslp_batches (
    id           uuid PRIMARY KEY,
    owner_id     uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    request      jsonb NOT NULL,  -- what was asked: works, or composer + filters + limit
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('listing', 'running', 'done', 'cancelled', 'failed')),
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX imslp_batches_owner ON imslp_batches (owner_id, created_at DESC);

CREATE TABLE imslp_batch_items (
    batch_id   uuid NOT NULL REFERENCES imslp_batches ON DELETE CASCADE,
    work       text NOT NULL,  -- the reference as given: a page id or a page title
    state      text NOT NULL DEFAULT 'queued'
               CHECK (state IN ('queued', 'imported', 'duplicate', 'skipped', 'failed', 'cancelled')),
    reason     text,           -- why skipped, failed or a duplicate
    page_id    bigint,
    file_index bigint,
    score_id   uuid REFERENCES scores ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (batch_id, work)
);
CREATE INDEX imslp_batch_items_state ON imslp_batch_items (batch_id, state);

-- What each user imported, by IMSLP's ids: a work or a file imported twice is one score.
CREATE TABLE imslp_imports (
    owner_id   uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    page_id    bigint NOT NULL,
    file_index bigint NOT NULL,
    score_id   uuid NOT NULL REFERENCES scores ON DELETE CASCADE,
    work       jsonb NOT NULL,  -- the work's metadata as IMSLP gave it
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, page_id),
    UNIQUE (owner_id, file_index)
);

-- +goose Down
DROP TABLE imslp_imports, imslp_batch_items, imslp_batches, imslp_rate;
