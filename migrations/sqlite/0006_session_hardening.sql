-- Refresh-token families get a row of their own: rotating and revoking both lock it, so a
-- revocation cannot miss a token rotated at the same moment (PostgreSQL, READ COMMITTED).
CREATE TABLE refresh_families (
    id          TEXT   NOT NULL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

INSERT INTO refresh_families (id, person_id, created_at, revoked_at)
SELECT family, MIN(person_id), MIN(created_at), MAX(revoked_at) FROM refresh_tokens GROUP BY family;

-- The audit log keeps the actor's name as it was when they acted.
ALTER TABLE audit_log ADD COLUMN actor_name TEXT;
