-- customer-care-sqlite, schema 1. Every row is keyed by the aggregate kind (the host's name for an aggregate type:
-- "customer", "points", ...) and the stream id, so one file holds every type's streams without collisions.

-- One row per stream: its head version (the optimistic-concurrency check reads one row) and its next deadline
-- (the aggregate's next_deadline() after its last commit, microseconds since the epoch rounded up; NULL for none).
CREATE TABLE streams (
    kind    TEXT    NOT NULL,
    stream  BLOB    NOT NULL,
    version INTEGER NOT NULL,
    due_at  INTEGER,
    PRIMARY KEY (kind, stream)
) WITHOUT ROWID;
-- "Which streams are due at or before now": a range scan, never a table scan.
CREATE INDEX streams_due ON streams (kind, due_at) WHERE due_at IS NOT NULL;

-- The commits: the whole Commit as JSON, unique per (stream, version) and per (stream, command id).
CREATE TABLE commits (
    kind       TEXT    NOT NULL,
    stream     BLOB    NOT NULL,
    version    INTEGER NOT NULL,
    command_id BLOB    NOT NULL,
    body       TEXT    NOT NULL,
    PRIMARY KEY (kind, stream, version),
    UNIQUE (kind, stream, command_id)
) WITHOUT ROWID;

-- The latest snapshot of a stream: the aggregate's JSON at `version`.
CREATE TABLE snapshots (
    kind    TEXT    NOT NULL,
    stream  BLOB    NOT NULL,
    version INTEGER NOT NULL,
    state   TEXT    NOT NULL,
    PRIMARY KEY (kind, stream)
) WITHOUT ROWID;

-- Effects to deliver (e-receipts, care messages), written in the same transaction as their commit. `position`
-- orders them (per stream too: a stream's commits are appended in version order); (kind, stream, version, seq)
-- is the deliverer's dedup key.
CREATE TABLE outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT    NOT NULL,
    stream   BLOB    NOT NULL,
    version  INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    effect   TEXT    NOT NULL,
    done_at  INTEGER,
    UNIQUE (kind, stream, version, seq)
);
CREATE INDEX outbox_pending ON outbox (position) WHERE done_at IS NULL;
