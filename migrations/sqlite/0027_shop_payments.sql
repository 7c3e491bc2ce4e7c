-- Paying the shops (政府买单): a township admin marks a shop's county month paid with the
-- payment's reference and date. The payment locks that month's statement (its figures and
-- goods lines are kept here and never change) and clears the shop's points for it by a
-- transfer from the shop's account to the township's settlement account (kind
-- 'settlement', 结算账户), so a shop's balance is what is still unpaid. The redemptions it
-- paid for name it (redemptions.payment_id); a redemption handed over in a month already paid
-- (a late one) is paid with the next month. One payment per shop and month, whatever the race.
--
-- SQLite cannot alter a CHECK; widening one (every stored row still satisfies it) is done the
-- way SQLite documents for changes that leave the stored data as it is
-- (https://www.sqlite.org/lang_altertable.html#otheralter): the table's definition is
-- rewritten in sqlite_schema inside this migration's transaction; the CREATE statements below
-- change the schema version, so every open connection reloads the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'kind IN (''villager'', ''issuance'', ''service_budget'', ''shop'')',
                          'kind IN (''villager'', ''issuance'', ''service_budget'', ''shop'', ''settlement'')')
 WHERE type = 'table' AND name = 'ledger_accounts';
PRAGMA writable_schema = RESET;
DROP INDEX ledger_accounts_region;
CREATE UNIQUE INDEX ledger_accounts_region ON ledger_accounts (kind, region_code)
    WHERE kind IN ('issuance', 'service_budget', 'settlement');

CREATE TABLE shop_payments (
    id               INTEGER NOT NULL PRIMARY KEY,
    shop_id          BIGINT NOT NULL REFERENCES shops (id),
    -- A county month, YYYY-MM.
    month            TEXT   NOT NULL,
    -- The figures paid: redemptions, points, market value in fen.
    redemptions      BIGINT NOT NULL CHECK (redemptions >= 0),
    points           BIGINT NOT NULL CHECK (points >= 0),
    market_value_fen BIGINT NOT NULL CHECK (market_value_fen >= 0),
    -- Of them, handed over in an earlier month already paid (late ones).
    late_redemptions BIGINT NOT NULL CHECK (late_redemptions >= 0),
    -- The payment's reference (e.g. a bank transfer number) and its date, YYYY-MM-DD.
    reference        TEXT   NOT NULL,
    paid_on          TEXT   NOT NULL,
    -- The transfer shop -> settlement account; NULL when the month had no points to clear.
    transfer_id      BIGINT REFERENCES ledger_transfers (id),
    actor_id         BIGINT NOT NULL REFERENCES people (id),
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX shop_payments_month ON shop_payments (shop_id, month);

-- The goods lines of a paid statement, as they were at payment (names included).
CREATE TABLE shop_payment_goods (
    payment_id       BIGINT NOT NULL REFERENCES shop_payments (id),
    goods_id         BIGINT NOT NULL REFERENCES shop_goods (id),
    name             TEXT   NOT NULL,
    qty              BIGINT NOT NULL,
    points           BIGINT NOT NULL,
    market_value_fen BIGINT NOT NULL,
    PRIMARY KEY (payment_id, goods_id)
);

ALTER TABLE redemptions ADD COLUMN payment_id BIGINT REFERENCES shop_payments (id);
-- A shop's handed-over redemptions by time (statements), and the unpaid ones.
CREATE INDEX redemptions_shop_settled ON redemptions (shop_id, settled_at) WHERE status = 'fulfilled';
CREATE INDEX redemptions_shop_unpaid ON redemptions (shop_id, settled_at)
    WHERE status = 'fulfilled' AND payment_id IS NULL;

