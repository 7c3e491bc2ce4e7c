-- How much a grid worker may award (网格员评分限额), set by the county (PUT
-- /admin/award-limits/{county}): at most `daily_points` in all per county day, and at most
-- `villager_daily_points` to one villager per county day. No row, or 0: grid workers do not
-- award. Counted from the ledger's award transfers the grid worker made.
CREATE TABLE award_limits (
    county_code           TEXT   NOT NULL PRIMARY KEY REFERENCES regions (code),
    daily_points          BIGINT NOT NULL CHECK (daily_points BETWEEN 0 AND 10000),
    villager_daily_points BIGINT NOT NULL CHECK (villager_daily_points BETWEEN 0 AND 1000),
    updated_by            BIGINT REFERENCES people (id),
    updated_at            BIGINT NOT NULL
);

CREATE INDEX ledger_transfers_actor ON ledger_transfers (actor_id, created_at);
