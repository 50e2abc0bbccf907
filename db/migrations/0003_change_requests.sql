-- Change requests: a set of changes to one environment of one project
-- that applies only once other people approved it.
--
-- state is one of Draft, In review, Approved, Scheduled, Applied,
-- Rejected, Cancelled, Conflicted. min_approvals is copied from the
-- environment's settings when the request is created and does not move
-- afterwards. conflict holds why an apply was refused.

CREATE TABLE change_requests (
    id            INTEGER PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment   TEXT NOT NULL
                  REFERENCES environments(name) ON DELETE CASCADE,
    title         TEXT,
    state         TEXT NOT NULL DEFAULT 'Draft',
    min_approvals INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    scheduled_at  TEXT,
    scheduled_by  INTEGER,
    applied_at    TEXT,
    applied_by    INTEGER,
    conflict      TEXT
);
CREATE INDEX change_requests_project ON change_requests(project_id, state);
-- One open request per author, project and environment: new changes go
-- into it.
CREATE UNIQUE INDEX change_requests_open
    ON change_requests(project_id, environment, created_by)
    WHERE state IN ('Draft', 'In review', 'Approved');
CREATE INDEX change_requests_scheduled
    ON change_requests(scheduled_at) WHERE state = 'Scheduled';

-- One change. base_version is the version of the flag (features.version)
-- or segment (segments.version) it touches, read when it was added.
CREATE TABLE change_request_changes (
    id                INTEGER PRIMARY KEY,
    change_request_id INTEGER NOT NULL
                      REFERENCES change_requests(id) ON DELETE CASCADE,
    feature           TEXT,
    segment_id        INTEGER,
    action            TEXT NOT NULL,
    payload           TEXT NOT NULL,
    base_version      INTEGER NOT NULL,
    created_by        INTEGER NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX change_request_changes_cr
    ON change_request_changes(change_request_id);

-- Approvals and rejections, at most one of each kind per user.
CREATE TABLE change_request_reviews (
    change_request_id INTEGER NOT NULL
                      REFERENCES change_requests(id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL, -- approval or rejection
    comment           TEXT,
    created_at        TEXT NOT NULL,
    PRIMARY KEY (change_request_id, user_id, kind)
);

CREATE TABLE change_request_comments (
    id                INTEGER PRIMARY KEY,
    change_request_id INTEGER NOT NULL
                      REFERENCES change_requests(id) ON DELETE CASCADE,
    text              TEXT NOT NULL,
    created_by        INTEGER NOT NULL,
    created_at        TEXT NOT NULL
);

-- Segments get a version too, so a change request can tell that a
-- segment it edits was edited by someone else meanwhile.
ALTER TABLE segments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER segments_version
    AFTER UPDATE OF name, description, project, constraints ON segments
BEGIN
    UPDATE segments SET version = version + 1 WHERE id = NEW.id;
END;
