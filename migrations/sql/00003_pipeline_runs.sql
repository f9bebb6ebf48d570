-- +goose Up
-- One row per run of a multi-step pipeline (scores, IMSLP batches, …): River's open-source
-- edition runs single jobs, so steps, fan-out and fan-in are kept here (pipelines/runs).
CREATE TABLE pipeline_runs (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind        text NOT NULL,
    subject     text NOT NULL,
    owner_id    uuid REFERENCES users ON DELETE CASCADE,
    state       text NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
    step        text NOT NULL,                 -- the step running now (the last one when finished)
    outstanding integer NOT NULL CHECK (outstanding >= 0), -- jobs of that step not yet done
    steps       jsonb NOT NULL DEFAULT '{}',   -- per step: state, done, total, error, times
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX pipeline_runs_subject ON pipeline_runs (kind, subject, created_at DESC);
CREATE INDEX pipeline_runs_owner ON pipeline_runs (owner_id, created_at DESC);
CREATE INDEX pipeline_runs_running ON pipeline_runs (kind, step) WHERE state = 'running';

-- +goose Down
DROP TABLE pipeline_runs;
