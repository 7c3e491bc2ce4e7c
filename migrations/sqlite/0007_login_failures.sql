-- Failed password sign-ins, counted per phone and per client address to slow guessing.
CREATE TABLE login_failures (
    id          INTEGER NOT NULL PRIMARY KEY,
    phone       TEXT   NOT NULL,
    client_ip   TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX login_failures_phone ON login_failures (phone, created_at);
CREATE INDEX login_failures_ip ON login_failures (client_ip, created_at);
