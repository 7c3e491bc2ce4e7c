-- Access: staff passwords (argon2id PHC strings), roles bound to regions, refresh tokens.

ALTER TABLE people ADD COLUMN password_hash TEXT;

-- A person may hold several roles, each over one region (a grid worker over a grid, a village
-- admin over a village…). Roles are read from here on every request, never from tokens.
CREATE TABLE role_assignments (
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role        TEXT   NOT NULL CHECK (role IN ('villager', 'volunteer', 'keeper', 'grid_worker', 'village_admin', 'township_admin', 'county_admin')),
    region_code TEXT   NOT NULL REFERENCES regions (code),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (person_id, role, region_code)
);

-- Opaque refresh tokens, stored as SHA-256 hashes. Each use rotates the token within its
-- family; presenting a rotated one revokes the whole family (a stolen token was replayed).
CREATE TABLE refresh_tokens (
    id          INTEGER NOT NULL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    family      TEXT   NOT NULL,
    token_hash  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    rotated_at  BIGINT,
    revoked_at  BIGINT
);

CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
