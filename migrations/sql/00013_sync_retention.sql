-- +goose Up
-- The change log keeps SYNC_RETENTION_DAYS of changes: the pruning job finds the users with
-- changes older than that through this index (without it, every run would read the whole log).
CREATE INDEX sync_changes_created ON sync_changes (created_at);

-- +goose Down
DROP INDEX sync_changes_created;
