-- +goose Up
-- A URL import is recorded at once, before the pipeline's fetch step has downloaded its
-- file: until then it has no size, hash or pages. Every other score has all three.
ALTER TABLE scores DROP CONSTRAINT scores_size_bytes_check, DROP CONSTRAINT scores_page_count_check;
ALTER TABLE scores ADD CONSTRAINT scores_file_check CHECK (
    (size_bytes > 0 AND page_count > 0)
    OR (source = 'url' AND size_bytes = 0 AND page_count = 0 AND sha256 = ''));

-- +goose Down
-- URL imports that never got their file cannot exist in the older schema.
DELETE FROM scores WHERE size_bytes = 0;
ALTER TABLE scores DROP CONSTRAINT scores_file_check;
ALTER TABLE scores ADD CONSTRAINT scores_size_bytes_check CHECK (size_bytes > 0),
    ADD CONSTRAINT scores_page_count_check CHECK (page_count > 0);
