-- The points supermarket (积分超市): shops of a village or a township, each with its ledger
-- account (kind 'shop': the points it has collected, which the township reimburses), its
-- keepers (超市管理员, per shop), its goods, the stock movements staff make, and redemptions.
CREATE TABLE shops (
    id          INTEGER NOT NULL PRIMARY KEY,
    name        TEXT   NOT NULL,
    region_code TEXT   NOT NULL REFERENCES regions (code),
    account_id  BIGINT NOT NULL REFERENCES ledger_accounts (id),
    created_by  BIGINT REFERENCES people (id),
    created_at  BIGINT NOT NULL
);

CREATE UNIQUE INDEX shops_name ON shops (region_code, name);
CREATE UNIQUE INDEX shops_account ON shops (account_id);

CREATE TABLE shop_keepers (
    shop_id    BIGINT NOT NULL REFERENCES shops (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    created_by BIGINT REFERENCES people (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (shop_id, person_id)
);

CREATE INDEX shop_keepers_person ON shop_keepers (person_id);

-- Goods: prices in points and the market price in fen (分); stock never below zero (the
-- CHECK backs the conditional updates in server/src/shop). per_person_limit: units per
-- person per county month, NULL for none.
CREATE TABLE shop_goods (
    id               INTEGER NOT NULL PRIMARY KEY,
    shop_id          BIGINT NOT NULL REFERENCES shops (id),
    name             TEXT   NOT NULL,
    points_price     BIGINT NOT NULL CHECK (points_price > 0),
    market_price_fen BIGINT NOT NULL CHECK (market_price_fen > 0),
    stock            BIGINT NOT NULL CHECK (stock >= 0),
    per_person_limit BIGINT CHECK (per_person_limit IS NULL OR per_person_limit > 0),
    photo_id         BIGINT REFERENCES media (id),
    active           BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE INDEX shop_goods_shop ON shop_goods (shop_id, id);

-- Stock changes made by staff (restock, correction, write_off, and the initial stock), with
-- who and why. Redemptions change stock too; their lines (redemption_items) say so.
CREATE TABLE stock_movements (
    id         INTEGER NOT NULL PRIMARY KEY,
    goods_id   BIGINT NOT NULL REFERENCES shop_goods (id),
    delta      BIGINT NOT NULL,
    reason     TEXT   NOT NULL CHECK (reason IN ('initial', 'restock', 'correction', 'write_off')),
    note       TEXT   NOT NULL,
    stock_after BIGINT NOT NULL CHECK (stock_after >= 0),
    actor_id   BIGINT REFERENCES people (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX stock_movements_goods ON stock_movements (goods_id, id);

-- Redemptions (兑换): reserved (a pending ledger transfer villager -> shop, stock taken), then
-- fulfilled (posted) or cancelled/expired (voided, stock returned). token_nonce identifies the
-- signed QR token; short_code is unique among the reserved ones.
CREATE TABLE redemptions (
    id          INTEGER NOT NULL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    shop_id     BIGINT NOT NULL REFERENCES shops (id),
    status      TEXT   NOT NULL CHECK (status IN ('reserved', 'fulfilled', 'cancelled', 'expired')),
    points      BIGINT NOT NULL CHECK (points > 0),
    transfer_id BIGINT REFERENCES ledger_transfers (id),
    token_nonce TEXT   NOT NULL,
    short_code  TEXT   NOT NULL,
    expires_at  BIGINT NOT NULL,
    settled_by  BIGINT REFERENCES people (id),
    settled_at  BIGINT,
    created_at  BIGINT NOT NULL,
    CHECK ((status = 'reserved') = (settled_at IS NULL))
);

CREATE UNIQUE INDEX redemptions_nonce ON redemptions (token_nonce);
CREATE UNIQUE INDEX redemptions_open_code ON redemptions (short_code) WHERE status = 'reserved';
CREATE INDEX redemptions_person ON redemptions (person_id, id);
CREATE INDEX redemptions_shop ON redemptions (shop_id, status, id);

-- The lines of a redemption, with the price at reservation time.
CREATE TABLE redemption_items (
    redemption_id    BIGINT NOT NULL REFERENCES redemptions (id),
    goods_id         BIGINT NOT NULL REFERENCES shop_goods (id),
    name             TEXT   NOT NULL,
    qty              BIGINT NOT NULL CHECK (qty > 0),
    unit_points      BIGINT NOT NULL CHECK (unit_points > 0),
    market_price_fen BIGINT NOT NULL CHECK (market_price_fen > 0),
    PRIMARY KEY (redemption_id, goods_id)
);

CREATE INDEX redemption_items_goods ON redemption_items (goods_id);
