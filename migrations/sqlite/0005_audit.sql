-- The audit log (小微权力监督): every staff action, who did it, when, where, and what changed
-- (before/after as JSON text). Rows are only ever inserted.
CREATE TABLE audit_log (
    id          INTEGER NOT NULL PRIMARY KEY,
    actor_id    BIGINT REFERENCES people (id),
    action      TEXT   NOT NULL,
    region_code TEXT   NOT NULL,
    target      TEXT   NOT NULL,
    before      TEXT,
    after       TEXT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX audit_log_region ON audit_log (region_code, id);
