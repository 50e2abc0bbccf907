-- What SDKs report: usage counts per hour, environment, flag and
-- application, and the applications and instances that reported. Flag
-- names are not foreign keys: SDKs may count flags the server does not
-- know, and those counts are kept too.

CREATE TABLE client_metrics (
    hour         TEXT NOT NULL, -- start of the hour, ISO UTC
    environment  TEXT NOT NULL,
    feature_name TEXT NOT NULL,
    app_name     TEXT NOT NULL,
    yes          INTEGER NOT NULL DEFAULT 0,
    no           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feature_name, hour, environment, app_name)
);
CREATE INDEX client_metrics_hour ON client_metrics(hour);
CREATE INDEX client_metrics_app ON client_metrics(app_name);

CREATE TABLE client_metrics_variants (
    hour         TEXT NOT NULL,
    environment  TEXT NOT NULL,
    feature_name TEXT NOT NULL,
    app_name     TEXT NOT NULL,
    variant      TEXT NOT NULL,
    count        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feature_name, hour, environment, app_name, variant)
);
CREATE INDEX client_metrics_variants_hour ON client_metrics_variants(hour);

CREATE TABLE client_applications (
    app_name   TEXT PRIMARY KEY,
    strategies TEXT, -- JSON array from the last registration, or NULL
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);

CREATE TABLE client_instances (
    app_name    TEXT NOT NULL,
    environment TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    sdk_version TEXT,
    strategies  TEXT, -- JSON array, or NULL when never registered
    started     TEXT,
    interval    INTEGER,
    client_ip   TEXT,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    PRIMARY KEY (app_name, environment, instance_id)
);
