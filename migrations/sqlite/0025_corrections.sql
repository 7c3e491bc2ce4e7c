-- Corrections (更正): an approved claim or one villager's part of an award or deduction,
-- reversed by a superior of whoever made it with a compensating transfer (reference
-- 'correction:<id>'); the original is never edited. At most one correction per original and
-- villager, whatever the race: the unique constraint decides.
CREATE TABLE point_corrections (
    id            INTEGER NOT NULL PRIMARY KEY,
    original_kind TEXT   NOT NULL CHECK (original_kind IN ('claim', 'award')),
    original_id   BIGINT NOT NULL,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    -- Points the compensating transfer was to move to the villager: + given back (a
    -- deduction reversed), - taken back (a claim or award reversed).
    points        BIGINT NOT NULL CHECK (points <> 0),
    -- Points it moved (0..|points|): less when the villager held less (the shortfall).
    moved         BIGINT NOT NULL CHECK (moved >= 0),
    reason        TEXT   NOT NULL,
    actor_id      BIGINT NOT NULL REFERENCES people (id),
    created_at    BIGINT NOT NULL
);

CREATE UNIQUE INDEX point_corrections_original
    ON point_corrections (original_kind, original_id, person_id);

CREATE INDEX point_corrections_person ON point_corrections (person_id);
