-- Recycling for points (垃圾—积分—商品): the categories a keeper weighs, with their rate in
-- points per kilogram. county_code NULL: the catalogue shipped with the product, for every
-- county; otherwise a county's own (a county category replaces the shipped one of the same
-- code). scope: county_code, or '*' for the shipped catalogue.
CREATE TABLE recycling_categories (
    id            INTEGER NOT NULL PRIMARY KEY,
    code          TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    points_per_kg BIGINT NOT NULL CHECK (points_per_kg > 0),
    active        BIGINT NOT NULL CHECK (active IN (0, 1)),
    county_code   TEXT   REFERENCES regions (code),
    scope         TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE UNIQUE INDEX recycling_categories_code ON recycling_categories (scope, code);

-- Shipped rates: what a county starts from until its admins set their own (the pilot's
-- 积分超市 weigh waste paper, bottles, metal, glass, batteries and old appliances).
INSERT INTO recycling_categories (code, name, points_per_kg, active, county_code, scope, created_at, updated_at) VALUES
    ('paper', '废纸', 2, 1, NULL, '*', 0, 0),
    ('plastic_bottles', '塑料瓶', 3, 1, NULL, '*', 0, 0),
    ('metal', '金属', 4, 1, NULL, '*', 0, 0),
    ('glass', '玻璃', 1, 1, NULL, '*', 0, 0),
    ('hazardous', '废旧电池/有害垃圾', 10, 1, NULL, '*', 0, 0),
    ('appliances', '废旧家电', 2, 1, NULL, '*', 0, 0);

-- A drop-off weighed at a shop's counter: the villager credited from their township's
-- issuance account (transfer_id; NULL when it earned nothing), by the keeper. summary: the
-- lines in words, the label of the villager's ledger entry.
CREATE TABLE recycling_dropoffs (
    id          INTEGER NOT NULL PRIMARY KEY,
    shop_id     BIGINT NOT NULL REFERENCES shops (id),
    person_id   BIGINT NOT NULL REFERENCES people (id),
    keeper_id   BIGINT NOT NULL REFERENCES people (id),
    points      BIGINT NOT NULL CHECK (points >= 0),
    transfer_id BIGINT REFERENCES ledger_transfers (id),
    summary     TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX recycling_dropoffs_shop ON recycling_dropoffs (shop_id, created_at);
CREATE INDEX recycling_dropoffs_person ON recycling_dropoffs (person_id, id);

-- Its lines, with the rate when weighed: points = floor(grams * points_per_kg / 1000).
CREATE TABLE recycling_lines (
    dropoff_id    BIGINT NOT NULL REFERENCES recycling_dropoffs (id),
    category_id   BIGINT NOT NULL REFERENCES recycling_categories (id),
    name          TEXT   NOT NULL,
    grams         BIGINT NOT NULL CHECK (grams > 0),
    points_per_kg BIGINT NOT NULL CHECK (points_per_kg > 0),
    points        BIGINT NOT NULL CHECK (points >= 0),
    PRIMARY KEY (dropoff_id, category_id)
);

CREATE INDEX recycling_lines_category ON recycling_lines (category_id);

-- Member codes (会员码): the nonce of a villager's signed counter QR code.
CREATE TABLE member_codes (
    person_id  BIGINT NOT NULL PRIMARY KEY REFERENCES people (id),
    nonce      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX member_codes_nonce ON member_codes (nonce);

-- Monthly statements read fulfilled redemptions by shop and settlement time.
CREATE INDEX redemptions_settled ON redemptions (shop_id, status, settled_at);

-- A short code typed at the counter after its hand-over is found (codes repeat only among
-- settled redemptions).
CREATE INDEX redemptions_code ON redemptions (short_code);

-- The background sweep finds reservations past their expiry.
CREATE INDEX redemptions_open_expiry ON redemptions (expires_at) WHERE status = 'reserved';
