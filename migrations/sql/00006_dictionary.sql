-- +goose Up
-- The dictionary: one entry per term and language.
CREATE TABLE dictionary_entries (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    term           text NOT NULL CHECK (length(term) BETWEEN 1 AND 200),
    term_key       text NOT NULL,            -- lower case, no diacritics, single spaces
    lang           text NOT NULL CHECK (lang IN ('en', 'es', 'fr', 'de', 'zh-CN', 'zh-TW')),
    source_lang    text,                     -- ISO 639-1 code of the term's origin
    type           text NOT NULL CHECK (type IN ('tempo', 'dynamics', 'articulation', 'form', 'genre',
                       'instrument', 'technique', 'theory', 'notation', 'period', 'general')),
    definition     jsonb NOT NULL,           -- concise, detailed, etymology, pronunciation, example, related
    origin         text NOT NULL CHECK (origin IN ('glossary', 'ai', 'editor')),
    quality_score  real CHECK (quality_score BETWEEN 0 AND 1),
    quality_issues jsonb NOT NULL DEFAULT '[]',
    status         text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'review')),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (term_key, lang)
);

-- Vectors of entries, per embedding model. The column has no fixed size, so models of any
-- size fit; each model gets its own HNSW index, over the column cast to its size and limited
-- to its rows (store.EnsureEmbeddingIndex), which queries for that model use.
CREATE TABLE dictionary_embeddings (
    entry_id   uuid NOT NULL REFERENCES dictionary_entries ON DELETE CASCADE,
    model      text NOT NULL,
    dims       integer NOT NULL CHECK (dims > 0),
    embedding  vector NOT NULL CHECK (vector_dims(embedding) = dims),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, model)
);

-- +goose Down
DROP TABLE dictionary_embeddings;
DROP TABLE dictionary_entries;
