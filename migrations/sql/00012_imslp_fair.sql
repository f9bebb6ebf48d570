-- +goose Up
-- IMSLP imports scheduled fairly across users (pipelines/imslp/dispatch.go; docs/imslp.md,
-- "Scheduling"): a batch's works wait in imslp_batch_items, and each user has at most a
-- window of works with a River job at once.

-- position: the work's place in its batch (works are dispatched in the order given).
-- dispatched_at: when its job was inserted, in the same transaction (NULL: still waiting).
-- Every work queued before this migration has its job already, so existing rows count as
-- dispatched; the default is dropped at once, so new works wait.
ALTER TABLE imslp_batch_items
    ADD COLUMN position int NOT NULL DEFAULT 0,
    ADD COLUMN dispatched_at timestamptz DEFAULT now();
ALTER TABLE imslp_batch_items ALTER COLUMN dispatched_at DROP DEFAULT;

-- The batch's place in its owner's round-robin: the owner's dispatch count when the batch
-- last had a work dispatched (NULL: never; it goes first).
ALTER TABLE imslp_batches ADD COLUMN last_dispatch bigint;

-- Each owner's running batches (dispatching, the sweep), the works waiting, in order, and
-- those with a job: small reads however many batches and works there are.
CREATE INDEX imslp_batches_running ON imslp_batches (owner_id) WHERE status = 'running';
CREATE INDEX imslp_batch_items_waiting ON imslp_batch_items (batch_id, position)
    WHERE state = 'queued' AND dispatched_at IS NULL;
CREATE INDEX imslp_batch_items_dispatched ON imslp_batch_items (batch_id)
    WHERE state = 'queued' AND dispatched_at IS NOT NULL;

-- +goose Down
-- Works still waiting have no job: the code before this migration would fail them at its
-- next sweep. Cancel or finish imports before going down.
DROP INDEX imslp_batch_items_dispatched, imslp_batch_items_waiting, imslp_batches_running;
ALTER TABLE imslp_batches DROP COLUMN last_dispatch;
ALTER TABLE imslp_batch_items DROP COLUMN dispatched_at, DROP COLUMN position;
