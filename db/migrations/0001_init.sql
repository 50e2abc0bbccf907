-- The first schema: projects, environments, flags and everything hung on
-- them, users and tokens, and the audit log. JSON columns hold values the
-- server only ever reads and writes whole (strategy parameters,
-- constraints, variants); everything that is queried has its own column.

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT
);

CREATE TABLE environments (
    name       TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    sort_order INTEGER NOT NULL DEFAULT 0,
    protected  INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE project_environments (
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment TEXT NOT NULL
                REFERENCES environments(name) ON DELETE CASCADE,
    default_strategy TEXT,
    PRIMARY KEY (project_id, environment)
);

CREATE TABLE features (
    name            TEXT PRIMARY KEY,
    project_id      TEXT NOT NULL REFERENCES projects(id),
    type            TEXT NOT NULL DEFAULT 'release',
    description     TEXT NOT NULL DEFAULT '',
    stale           INTEGER NOT NULL DEFAULT 0,
    impression_data INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    created_by      INTEGER,
    archived_at     TEXT,
    -- Bumped by every change to the flag or anything under it, so a
    -- change request can tell that what it was made against has moved.
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX features_project ON features(project_id);

CREATE TABLE feature_tags (
    feature_name TEXT NOT NULL REFERENCES features(name) ON DELETE CASCADE,
    tag_type     TEXT NOT NULL,
    tag_value    TEXT NOT NULL,
    PRIMARY KEY (feature_name, tag_type, tag_value)
);

CREATE TABLE feature_environments (
    feature_name TEXT NOT NULL REFERENCES features(name) ON DELETE CASCADE,
    environment  TEXT NOT NULL
                 REFERENCES environments(name) ON DELETE CASCADE,
    enabled      INTEGER NOT NULL DEFAULT 0,
    variants     TEXT NOT NULL DEFAULT '[]',
    last_seen_at TEXT,
    PRIMARY KEY (feature_name, environment)
);

CREATE TABLE feature_strategies (
    id           TEXT PRIMARY KEY,
    feature_name TEXT NOT NULL REFERENCES features(name) ON DELETE CASCADE,
    environment  TEXT NOT NULL
                 REFERENCES environments(name) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    title        TEXT,
    parameters   TEXT NOT NULL DEFAULT '{}',
    constraints  TEXT NOT NULL DEFAULT '[]',
    variants     TEXT NOT NULL DEFAULT '[]',
    sort_order   INTEGER NOT NULL DEFAULT 0,
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX feature_strategies_feature
    ON feature_strategies(feature_name, environment);

CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    project     TEXT REFERENCES projects(id) ON DELETE CASCADE,
    constraints TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    created_by  INTEGER
);

CREATE TABLE strategy_segments (
    strategy_id TEXT NOT NULL
                REFERENCES feature_strategies(id) ON DELETE CASCADE,
    segment_id  INTEGER NOT NULL REFERENCES segments(id),
    PRIMARY KEY (strategy_id, segment_id)
);

CREATE TABLE dependencies (
    child    TEXT NOT NULL REFERENCES features(name) ON DELETE CASCADE,
    parent   TEXT NOT NULL REFERENCES features(name) ON DELETE CASCADE,
    enabled  INTEGER NOT NULL DEFAULT 1,
    variants TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (child, parent)
);

CREATE TABLE context_fields (
    name         TEXT PRIMARY KEY,
    description  TEXT NOT NULL DEFAULT '',
    stickiness   INTEGER NOT NULL DEFAULT 0,
    sort_order   INTEGER NOT NULL DEFAULT 10,
    legal_values TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL
);

CREATE TABLE strategies (
    name        TEXT PRIMARY KEY,
    title       TEXT,
    description TEXT NOT NULL DEFAULT '',
    parameters  TEXT NOT NULL DEFAULT '[]',
    built_in    INTEGER NOT NULL DEFAULT 0,
    deprecated  INTEGER NOT NULL DEFAULT 0,
    sort_order  INTEGER NOT NULL DEFAULT 9999,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    username   TEXT UNIQUE,
    email      TEXT UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL,
    is_service INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);

-- secret_hash is BLAKE2b-256 of the whole secret as sent on the wire;
-- the secret itself is never stored. display keeps the non-secret part
-- and a few characters, so people can tell tokens apart.
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    secret_hash BLOB NOT NULL UNIQUE,
    display     TEXT NOT NULL,
    token_name  TEXT NOT NULL,
    type        TEXT NOT NULL,
    environment TEXT,
    projects    TEXT NOT NULL DEFAULT '["*"]',
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    expires_at  TEXT,
    created_at  TEXT NOT NULL,
    seen_at     TEXT
);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    type         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_by_user_id INTEGER,
    project      TEXT,
    feature_name TEXT,
    environment  TEXT,
    data         TEXT,
    pre_data     TEXT
);
CREATE INDEX events_feature ON events(feature_name);
CREATE INDEX events_project ON events(project);

INSERT INTO projects (id, name, description, created_at)
    VALUES ('default', 'Default', 'Default project',
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO environments (name, type, sort_order, created_at) VALUES
    ('development', 'development', 2,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('production', 'production', 3,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO project_environments (project_id, environment) VALUES
    ('default', 'development'), ('default', 'production');
INSERT INTO users (id, username, name, role, created_at)
    VALUES (1, 'admin', 'Admin', 'Admin',
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO strategies (name, title, description, parameters, built_in,
                        deprecated, sort_order, created_at) VALUES
    ('default', 'Standard', 'On for everyone.', '[]', 1, 0, 1,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('flexibleRollout', 'Gradual rollout',
     'On for a percentage of users, sticky on a context field.',
     '[{"name":"rollout","type":"percentage","description":"","required":false},{"name":"stickiness","type":"string","description":"Context field to bucket on","required":true},{"name":"groupId","type":"string","description":"Hash group, the flag name by default","required":true}]',
     1, 0, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('userWithId', 'UserIDs', 'On for the listed user ids.',
     '[{"name":"userIds","type":"list","description":"","required":false}]',
     1, 1, 2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('remoteAddress', 'IPs', 'On for the listed IP addresses and CIDRs.',
     '[{"name":"IPs","type":"list","description":"","required":true}]',
     1, 1, 3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('applicationHostname', 'Hosts', 'On for the listed host names.',
     '[{"name":"hostNames","type":"list","description":"","required":false}]',
     1, 1, 4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('gradualRolloutUserId', 'Gradual rollout by user id',
     'Deprecated: use flexibleRollout.',
     '[{"name":"percentage","type":"percentage","description":"","required":false},{"name":"groupId","type":"string","description":"","required":true}]',
     1, 1, 5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('gradualRolloutSessionId', 'Gradual rollout by session id',
     'Deprecated: use flexibleRollout.',
     '[{"name":"percentage","type":"percentage","description":"","required":false},{"name":"groupId","type":"string","description":"","required":true}]',
     1, 1, 6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('gradualRolloutRandom', 'Random gradual rollout',
     'Deprecated: use flexibleRollout.',
     '[{"name":"percentage","type":"percentage","description":"","required":false}]',
     1, 1, 7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO context_fields (name, description, stickiness, sort_order,
                            created_at) VALUES
    ('environment', 'The environment the SDK runs in', 0, 0,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('userId', 'An identifier of the current user', 1, 1,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('appName', 'The application name', 0, 2,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('sessionId', 'An identifier of the current session', 1, 3,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('remoteAddress', 'The IP address of the client', 0, 4,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ('currentTime', 'The time of evaluation', 0, 5,
     strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Change-request protection of one environment of one project.
CREATE TABLE change_request_settings (
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment TEXT NOT NULL
                REFERENCES environments(name) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL DEFAULT 0,
    required_approvals INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (project_id, environment)
);
