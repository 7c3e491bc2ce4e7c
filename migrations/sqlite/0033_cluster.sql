-- Several `jifen serve` on one PostgreSQL (server/src/cluster.rs). Kept on SQLite too, where
-- one server owns the database file, so the two schemas stay in lockstep.
--
-- `server_instances`: one row per running server, written at start and every 30 s (`seen_at`),
-- removed at a clean stop. `key_fingerprint` is 16 hex digits of a SHA-256 of a fixed label and
-- the instance's signing key (never the key): instances signing with different keys would refuse each
-- other's tokens. `secret_given` is 1 when the key came from the settings (JIFEN_JWT_SECRET),
-- 0 when it came from the instance's own data directory.
CREATE TABLE server_instances (
    id TEXT NOT NULL PRIMARY KEY,
    host TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    secret_given INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
);

-- `sweep_runs`: when the minute's sweeps last ran and on which instance; the instance holding
-- the sweep lock skips a tick when another ran less than a tick ago.
CREATE TABLE sweep_runs (
    name TEXT NOT NULL PRIMARY KEY,
    last_at BIGINT NOT NULL,
    instance TEXT NOT NULL
);
