-- Staff awards and deductions (奖励与扣分): one row per POST /admin/awards; the ledger holds
-- one transfer per villager, referenced as 'award:<id>'.
CREATE TABLE point_awards (
    id         INTEGER NOT NULL PRIMARY KEY,
    actor_id   BIGINT NOT NULL REFERENCES people (id),
    points     BIGINT NOT NULL CHECK (points <> 0),
    reason     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
