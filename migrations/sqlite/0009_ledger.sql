-- The ledger (积分账本), double-entry in the style of TigerBeetle: points never change by
-- setting a balance; they move in transfers from a debit account to a credit account.
--
-- Accounts: one per villager (kind 'villager', no overdraft: debits, posted and pending, never
-- exceed posted credits), one issuance account per township where points enter circulation
-- (政府买单; it goes negative by what it has issued), and later shop and budget accounts.
-- The four cached sums are changed only in the transaction that inserts the transfer; the
-- CHECKs are a last line of defence behind the conditional updates in server/src/ledger.
CREATE TABLE ledger_accounts (
    id              INTEGER NOT NULL PRIMARY KEY,
    kind            TEXT   NOT NULL CHECK (kind IN ('villager', 'issuance', 'service_budget', 'shop')),
    region_code     TEXT   NOT NULL REFERENCES regions (code),
    person_id       BIGINT REFERENCES people (id),
    no_overdraft    BIGINT NOT NULL CHECK (no_overdraft IN (0, 1)),
    debits_pending  BIGINT NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    debits_posted   BIGINT NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_pending BIGINT NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    credits_posted  BIGINT NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    created_at      BIGINT NOT NULL,
    CHECK (no_overdraft = 0 OR debits_posted + debits_pending <= credits_posted),
    CHECK ((kind = 'villager') = (person_id IS NOT NULL))
);

CREATE UNIQUE INDEX ledger_accounts_villager ON ledger_accounts (person_id) WHERE kind = 'villager';
CREATE UNIQUE INDEX ledger_accounts_region ON ledger_accounts (kind, region_code) WHERE kind IN ('issuance', 'service_budget');

-- Transfers are only inserted. phase 'single' moves points at once; 'pending' reserves them
-- (debits_pending/credits_pending); a later 'post' or 'void' row names the pending transfer
-- and settles it. One settlement per pending transfer (the unique index), whatever the race.
-- transfer_key is the idempotency key: the same key never moves points twice.
CREATE TABLE ledger_transfers (
    id                INTEGER NOT NULL PRIMARY KEY,
    transfer_key      TEXT   NOT NULL,
    debit_account_id  BIGINT NOT NULL REFERENCES ledger_accounts (id),
    credit_account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
    amount            BIGINT NOT NULL CHECK (amount > 0),
    phase             TEXT   NOT NULL CHECK (phase IN ('single', 'pending', 'post', 'void')),
    pending_id        BIGINT REFERENCES ledger_transfers (id),
    reason            TEXT   NOT NULL,
    reference         TEXT,
    actor_id          BIGINT REFERENCES people (id),
    created_at        BIGINT NOT NULL,
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((phase IN ('post', 'void')) = (pending_id IS NOT NULL))
);

CREATE UNIQUE INDEX ledger_transfers_key ON ledger_transfers (transfer_key);
CREATE UNIQUE INDEX ledger_transfers_settlement ON ledger_transfers (pending_id);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, id);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, id);
CREATE INDEX ledger_transfers_reference ON ledger_transfers (reference);
