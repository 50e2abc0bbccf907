-- Tag types: the kinds of tags flags may carry ("simple", "team", ...).
-- A flag can only be tagged with a type that exists here. "simple" is
-- built in; types that flags were already tagged with before tag types
-- existed are created too, so those tags keep working.

CREATE TABLE tag_types (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    icon        TEXT,
    created_at  TEXT NOT NULL
);

INSERT INTO tag_types (name, description, icon, created_at) VALUES
    ('simple', 'Arbitrary tags. Used to simplify filtering of features',
     '#', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

INSERT OR IGNORE INTO tag_types (name, created_at)
    SELECT DISTINCT tag_type, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM feature_tags;
