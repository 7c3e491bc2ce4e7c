-- Closed accounts (迁出 moved away, 去世 deceased): `closed_at` (UTC ms) and `closed_reason`
-- are set once by `POST /admin/people/{id}/close` (server/src/people/closure.rs) and never
-- cleared. A closed person keeps their row, history and ledger account but cannot sign in and
-- is not listed by default; their phone number is free for a new registration, so the phone is
-- unique only among open accounts.
ALTER TABLE people ADD COLUMN closed_at BIGINT;
ALTER TABLE people ADD COLUMN closed_reason TEXT CHECK (closed_reason IN ('moved_away', 'deceased'));

DROP INDEX people_phone;
CREATE UNIQUE INDEX people_phone ON people (phone) WHERE closed_at IS NULL;
CREATE INDEX people_closed ON people (closed_at) WHERE closed_at IS NOT NULL;
