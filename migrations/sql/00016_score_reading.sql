-- +goose Up
-- A page's text comes from its text layer ('pdf') or, for a scanned page, from OCR ('ocr',
-- with Tesseract's mean word confidence, 0 to 1). text_note says, in words, why a page's
-- text could not be read (an OCR that failed or timed out); the score's notes gather them
-- (a score is ready with what else was found).
ALTER TABLE score_pages
    ADD COLUMN text_source text CHECK (text_source IN ('pdf', 'ocr')),
    ADD COLUMN text_confidence real CHECK (text_confidence BETWEEN 0 AND 1),
    ADD COLUMN text_note text;
ALTER TABLE scores ADD COLUMN notes text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE scores DROP COLUMN notes;
ALTER TABLE score_pages DROP COLUMN text_source, DROP COLUMN text_confidence, DROP COLUMN text_note;
