-- Idempotency keys (API.md: `Idempotency-Key` on creating POSTs): the first successful
-- response to a person's key is kept with a hash of the request, in the same transaction as
-- the change it made, so a retried request replays it and changes nothing more. Kept at
-- least 24 hours (rows older than 48 hours are purged when the same person sends a new key).
CREATE TABLE idempotency_keys (
    person_id    BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    key          TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    status       BIGINT NOT NULL,
    response     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (person_id, key)
);

CREATE INDEX idempotency_keys_age ON idempotency_keys (person_id, created_at);
