-- Villagers without a smartphone (issue 19): a person's phone becomes optional, member cards,
-- 代办 (proxy agents and family delegates) with receipts and daily limits.
--
-- SQLite cannot drop a NOT NULL or change a CHECK in place: `people` and `role_assignments`
-- are rebuilt by SQLite's documented procedure (new table, copy, drop, rename, indexes
-- again), with foreign keys off: `Db::migrate` (server/src/storage/mod.rs) turns them off
-- around the migrations and checks them all afterwards (PRAGMA foreign_key_check). Columns
-- keep their order so the schema stays in lockstep with PostgreSQL's ALTERs.

-- A person's phone is optional: a villager without a phone is known by their member card.
-- `birth_year` (optional) lets the county turn 长辈模式 on by default from an age it sets.
CREATE TABLE people_new (
    id                INTEGER NOT NULL PRIMARY KEY,
    name              TEXT   NOT NULL,
    phone             TEXT,
    village_code      TEXT   REFERENCES regions (code),
    grid_code         TEXT   REFERENCES regions (code),
    household         TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    password_hash     TEXT,
    password_reset_at BIGINT,
    closed_at         BIGINT,
    closed_reason     TEXT CHECK (closed_reason IN ('moved_away', 'deceased')),
    birth_year        BIGINT CHECK (birth_year BETWEEN 1900 AND 2100)
);
INSERT INTO people_new (id, name, phone, village_code, grid_code, household, created_at,
                        updated_at, password_hash, password_reset_at, closed_at, closed_reason)
    SELECT id, name, phone, village_code, grid_code, household, created_at, updated_at,
           password_hash, password_reset_at, closed_at, closed_reason FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE UNIQUE INDEX people_phone ON people (phone) WHERE closed_at IS NULL;
CREATE INDEX people_village_household ON people (village_code, household);
CREATE INDEX people_closed ON people (closed_at) WHERE closed_at IS NOT NULL;

-- The 代办员 role (proxy agent), over a village.
CREATE TABLE role_assignments_new (
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role        TEXT   NOT NULL CHECK (role IN ('villager', 'volunteer', 'keeper', 'grid_worker', 'village_admin', 'township_admin', 'county_admin', 'proxy_agent')),
    region_code TEXT   NOT NULL REFERENCES regions (code),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (person_id, role, region_code)
);
INSERT INTO role_assignments_new SELECT person_id, role, region_code, created_at FROM role_assignments;
DROP TABLE role_assignments;
ALTER TABLE role_assignments_new RENAME TO role_assignments;
CREATE INDEX role_assignments_region ON role_assignments (region_code, role);

-- Member cards (会员卡): a member code gets a card number when it is first printed; a lost
-- card is replaced (挂失补卡), its code kept in `revoked_member_codes` so a scan of it says so.
ALTER TABLE member_codes ADD COLUMN card_no TEXT;
ALTER TABLE member_codes ADD COLUMN card_issued_at BIGINT;
CREATE UNIQUE INDEX member_codes_card_no ON member_codes (card_no);

CREATE TABLE revoked_member_codes (
    nonce      TEXT   NOT NULL PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    card_no    TEXT,
    revoked_at BIGINT NOT NULL,
    revoked_by BIGINT REFERENCES people (id)
);
CREATE INDEX revoked_member_codes_card_no ON revoked_member_codes (card_no);

-- A proxy session: `agent_id` acts for `person_id` until `expires_at` or `ended_at`. `kind`
-- says how it was opened: the villager's card scanned or typed ('card'), found by a staff
-- member who knows them ('search'), or as their family delegate ('delegate').
CREATE TABLE proxy_sessions (
    id         INTEGER NOT NULL PRIMARY KEY,
    nonce      TEXT   NOT NULL,
    agent_id   BIGINT NOT NULL REFERENCES people (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    kind       TEXT   NOT NULL CHECK (kind IN ('card', 'search', 'delegate')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at   BIGINT
);
CREATE UNIQUE INDEX proxy_sessions_nonce ON proxy_sessions (nonce);
CREATE INDEX proxy_sessions_agent ON proxy_sessions (agent_id, created_at);

-- Every action done for a villager, with its receipt number (回执编号). `subject` names what
-- was done as the ledger's `reference` does (`claim:12`, `redemption:7`, `order:3`) or
-- `rating:order:3:1` (a rating and its round); `points` is what it spent (a redemption's price, else 0). `sms_phone` is
-- where the receipt is texted (the household's phone), `sms_sent_at` when it was handed over.
CREATE TABLE proxy_actions (
    id           INTEGER NOT NULL PRIMARY KEY,
    receipt_no   TEXT   NOT NULL,
    session_id   BIGINT NOT NULL REFERENCES proxy_sessions (id),
    agent_id     BIGINT NOT NULL REFERENCES people (id),
    person_id    BIGINT NOT NULL REFERENCES people (id),
    village_code TEXT   NOT NULL REFERENCES regions (code),
    kind         TEXT   NOT NULL CHECK (kind IN ('claim', 'redemption', 'order', 'rating')),
    subject      TEXT   NOT NULL,
    points       BIGINT NOT NULL CHECK (points >= 0),
    summary      TEXT   NOT NULL,
    sms_phone    TEXT,
    sms_sent_at  BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX proxy_actions_receipt ON proxy_actions (receipt_no);
CREATE UNIQUE INDEX proxy_actions_subject ON proxy_actions (subject);
CREATE INDEX proxy_actions_person ON proxy_actions (person_id, created_at);

-- What proxies did for a villager in a county day (YYYY-MM-DD), counted in each action's
-- transaction by one conditional upsert, so parallel requests cannot pass the limits.
CREATE TABLE proxy_days (
    person_id BIGINT NOT NULL REFERENCES people (id),
    day       TEXT   NOT NULL,
    actions   BIGINT NOT NULL CHECK (actions >= 0),
    points    BIGINT NOT NULL CHECK (points >= 0),
    PRIMARY KEY (person_id, day)
);

-- The county's settings for assisted villagers: what proxies may do for one villager in a
-- day, and the age from which 长辈模式 is on by default. No row: the defaults in
-- shared/src/proxy.rs.
CREATE TABLE assistance_settings (
    county_code         TEXT   NOT NULL PRIMARY KEY REFERENCES regions (code),
    proxy_daily_actions BIGINT NOT NULL CHECK (proxy_daily_actions BETWEEN 0 AND 50),
    proxy_daily_points  BIGINT NOT NULL CHECK (proxy_daily_points BETWEEN 0 AND 10000),
    elder_age           BIGINT NOT NULL CHECK (elder_age BETWEEN 0 AND 120),
    updated_by          BIGINT REFERENCES people (id),
    updated_at          BIGINT NOT NULL
);

-- Family delegates (家属代办): `delegate_id` may act for `person_id`, with the consent a
-- village admin recorded (`consent`: how it was given). Ended, never deleted.
CREATE TABLE delegations (
    id          INTEGER NOT NULL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    delegate_id BIGINT NOT NULL REFERENCES people (id),
    consent     TEXT   NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES people (id),
    created_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    ended_by    BIGINT REFERENCES people (id)
);
CREATE UNIQUE INDEX delegations_live ON delegations (person_id, delegate_id) WHERE ended_at IS NULL;
CREATE INDEX delegations_delegate ON delegations (delegate_id) WHERE ended_at IS NULL;
