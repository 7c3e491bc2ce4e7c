-- People: villagers and staff. Phones are E.164 (+86…), unique; names NFC-normalised.
-- A villager belongs to a village and optionally a grid and a household (户号); tags hold the
-- county's groups (党员, 村民代表, 脱贫户…) and free tags.
CREATE TABLE people (
    id           INTEGER NOT NULL PRIMARY KEY,
    name         TEXT   NOT NULL,
    phone        TEXT   NOT NULL,
    village_code TEXT   REFERENCES regions (code),
    grid_code    TEXT   REFERENCES regions (code),
    household    TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE UNIQUE INDEX people_phone ON people (phone);
CREATE INDEX people_village_household ON people (village_code, household);

CREATE TABLE person_tags (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    tag       TEXT   NOT NULL,
    PRIMARY KEY (person_id, tag)
);
