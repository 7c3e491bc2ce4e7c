-- Figures the ledger keeps as it writes (server/src/ledger/figures.rs), so the village board
-- costs the same whatever the history (issue "Fast at any history").
--
-- `ledger_earnings`: every posted transfer (single or post) between a villager's account and
-- an issuance account — points earned (+) or deducted (-) — with the village the villager
-- lives in (updated when they move: the board shows someone with all their points in the
-- village they live in now). Filled here from the transfers so far.
CREATE TABLE ledger_earnings (
    transfer_id  BIGINT NOT NULL PRIMARY KEY REFERENCES ledger_transfers (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    village_code TEXT   NOT NULL,
    points       BIGINT NOT NULL
);
CREATE INDEX ledger_earnings_village ON ledger_earnings (village_code, transfer_id);
CREATE INDEX ledger_earnings_person ON ledger_earnings (person_id);

INSERT INTO ledger_earnings (transfer_id, person_id, village_code, points)
SELECT t.id, va.person_id, p.village_code,
       CASE WHEN t.credit_account_id = va.id THEN t.amount ELSE -t.amount END
FROM ledger_transfers t
JOIN ledger_accounts va ON va.id IN (t.credit_account_id, t.debit_account_id) AND va.kind = 'villager'
JOIN ledger_accounts oa ON oa.id IN (t.credit_account_id, t.debit_account_id) AND oa.id <> va.id
     AND oa.kind = 'issuance'
JOIN people p ON p.id = va.person_id
WHERE t.phase IN ('single', 'post') AND p.village_code IS NOT NULL;

-- `ledger_earned_totals`: the same, summed per villager per county month (`period` YYYY-MM)
-- and year (YYYY), in the county's time zone; the board's rankings read them. Filled at the
-- start of the server from `ledger_earnings`, and again whenever the time zone recorded in
-- `ledger_figures_state` is not the configured one.
CREATE TABLE ledger_earned_totals (
    person_id    BIGINT NOT NULL REFERENCES people (id),
    period       TEXT   NOT NULL,
    village_code TEXT   NOT NULL,
    points       BIGINT NOT NULL,
    PRIMARY KEY (person_id, period)
);
CREATE INDEX ledger_earned_totals_rank ON ledger_earned_totals (village_code, period, points);

CREATE TABLE ledger_figures_state (
    id       BIGINT  NOT NULL PRIMARY KEY CHECK (id = 1),
    timezone TEXT    NOT NULL
);
