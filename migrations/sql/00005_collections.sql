-- +goose Up
-- A user's collections of scores (set lists, method books, …), ordered; a public one is
-- reachable by its slug.
CREATE TABLE collections (
    id          uuid PRIMARY KEY,
    owner_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    visibility  text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    slug        text UNIQUE,                 -- set while public
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_owner ON collections (owner_id, created_at DESC, id DESC);

CREATE TABLE collection_scores (
    collection_id uuid NOT NULL REFERENCES collections ON DELETE CASCADE,
    score_id      uuid NOT NULL REFERENCES scores ON DELETE CASCADE,
    position      integer NOT NULL,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (collection_id, score_id)
);
CREATE INDEX collection_scores_score ON collection_scores (score_id);

-- A user's favourite scores.
CREATE TABLE favorites (
    user_id    uuid NOT NULL REFERENCES users ON DELETE CASCADE,
    score_id   uuid NOT NULL REFERENCES scores ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, score_id)
);
CREATE INDEX favorites_score ON favorites (score_id);

-- +goose Down
DROP TABLE favorites;
DROP TABLE collection_scores;
DROP TABLE collections;
