-- +goose Up
-- An upload too large to read in its request (SCORE_CHECK_MAX_BYTES) is recorded with its
-- size and hash but no page count: the split step counts its pages.
ALTER TABLE scores DROP CONSTRAINT scores_file_check;
ALTER TABLE scores ADD CONSTRAINT scores_file_check CHECK (
    (size_bytes > 0 AND page_count >= 0)
    OR (source = 'url' AND size_bytes = 0 AND page_count = 0 AND sha256 = ''));

-- +goose Down
-- Uploads whose pages were never counted cannot exist in the older schema.
DELETE FROM scores WHERE size_bytes > 0 AND page_count = 0;
ALTER TABLE scores DROP CONSTRAINT scores_file_check;
ALTER TABLE scores ADD CONSTRAINT scores_file_check CHECK (
    (size_bytes > 0 AND page_count > 0)
    OR (source = 'url' AND size_bytes = 0 AND page_count = 0 AND sha256 = ''));
