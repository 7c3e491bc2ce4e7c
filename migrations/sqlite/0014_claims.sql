-- Claims (申报积分): a villager asks for a rule's points with a note and photos; a reviewer
-- of their grid (the grid worker) or village approves — the ledger then holds one transfer
-- referenced 'claim:<id>' — or rejects with a reason. region_code is where the claim is
-- reviewed: the claimant's grid when the claim was made, else their village.
CREATE TABLE point_claims (
    id            INTEGER NOT NULL PRIMARY KEY,
    claimant_id   BIGINT NOT NULL REFERENCES people (id),
    rule_id       BIGINT NOT NULL REFERENCES point_rules (id),
    points        BIGINT NOT NULL CHECK (points > 0),
    note          TEXT   NOT NULL,
    village_code  TEXT   NOT NULL REFERENCES regions (code),
    region_code   TEXT   NOT NULL REFERENCES regions (code),
    status        TEXT   NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reviewer_id   BIGINT REFERENCES people (id),
    review_reason TEXT,
    reviewed_at   BIGINT,
    created_at    BIGINT NOT NULL,
    CHECK ((status = 'pending') = (reviewer_id IS NULL)),
    CHECK (status <> 'rejected' OR review_reason IS NOT NULL)
);

CREATE INDEX point_claims_claimant ON point_claims (claimant_id, id);
CREATE INDEX point_claims_review ON point_claims (status, region_code, id);
-- Caps count approved claims of a person and rule by review time.
CREATE INDEX point_claims_caps ON point_claims (claimant_id, rule_id, reviewed_at);

CREATE TABLE claim_photos (
    claim_id BIGINT NOT NULL REFERENCES point_claims (id),
    media_id BIGINT NOT NULL REFERENCES media (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (claim_id, media_id)
);

CREATE INDEX claim_photos_media ON claim_photos (media_id);
