-- customer-care-postgres, migration 1. Every row is keyed by the aggregate kind (the host's name for an aggregate
-- type: 'customer', 'points', ...) and the stream id. The tables that grow with the streams are hash-partitioned by
-- stream (declarative partitioning): every uniqueness rule and every append touches one stream, hence one
-- partition, so the same schema serves Citus (distribute by stream), a range-split store or a manual shard map.

-- One row per stream: its head version (appends lock this row: FOR UPDATE) and its next deadline (the aggregate's
-- next_deadline() after its last commit, microseconds since the epoch rounded up; NULL for none).
CREATE TABLE streams (
    kind    text   NOT NULL,
    stream  uuid   NOT NULL,
    version bigint NOT NULL,
    due_at  bigint,
    PRIMARY KEY (kind, stream)
) PARTITION BY HASH (stream);
-- "Which streams are due at or before now": an index range scan per partition, never a table scan.
CREATE INDEX streams_due ON streams (kind, due_at) WHERE due_at IS NOT NULL;

-- The commits: the whole Commit as JSON, unique per (stream, version) and per (stream, command id).
CREATE TABLE commits (
    kind       text   NOT NULL,
    stream     uuid   NOT NULL,
    version    bigint NOT NULL,
    command_id uuid   NOT NULL,
    body       jsonb  NOT NULL,
    PRIMARY KEY (kind, stream, version),
    UNIQUE (kind, stream, command_id)
) PARTITION BY HASH (stream);

DO $$
BEGIN
    FOR r IN 0..7 LOOP
        EXECUTE format('CREATE TABLE streams_p%s PARTITION OF streams FOR VALUES WITH (MODULUS 8, REMAINDER %s)', r, r);
        EXECUTE format('CREATE TABLE commits_p%s PARTITION OF commits FOR VALUES WITH (MODULUS 8, REMAINDER %s)', r, r);
    END LOOP;
END
$$;

-- The latest snapshot of a stream: the aggregate's JSON at `version`.
CREATE TABLE snapshots (
    kind    text   NOT NULL,
    stream  uuid   NOT NULL,
    version bigint NOT NULL,
    state   jsonb  NOT NULL,
    PRIMARY KEY (kind, stream)
);

-- Effects to deliver, written in the same transaction as their commit. Within a stream, positions grow in commit
-- order (appends to a stream are serialized by its streams row); (kind, stream, version, seq) is the dedup key.
CREATE TABLE outbox (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind     text   NOT NULL,
    stream   uuid   NOT NULL,
    version  bigint NOT NULL,
    seq      integer NOT NULL,
    effect   jsonb  NOT NULL,
    done_at  bigint,
    UNIQUE (kind, stream, version, seq)
);
CREATE INDEX outbox_pending ON outbox (position) WHERE done_at IS NULL;
