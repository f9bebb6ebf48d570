-- +goose Up
-- pgvector: embeddings for the dictionary and search. Checked before this runs (migrations.go)
-- so that a server without it gets a clear message instead of a bare SQL error.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE users (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email      text NOT NULL CHECK (email <> '' AND length(email) <= 320),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- One account per address, whatever its case.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- The last time each queue's canary job was worked: tells /health whether any worker
-- process is alive and fetching, which River itself does not record.
CREATE TABLE queue_heartbeats (
    queue     text PRIMARY KEY,
    worked_at timestamptz NOT NULL,
    worker_id text NOT NULL
);

-- +goose Down
DROP TABLE queue_heartbeats;
DROP TABLE users;
