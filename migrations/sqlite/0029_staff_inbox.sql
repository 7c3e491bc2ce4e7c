-- Staff are told what waits for them (server/src/inbox): digests, overdue claims, low stock.
--
-- A digest is one unread notification per person and kind that the server keeps current
-- while it is unread (网格里有 3 条积分申请待审核): replaced by a fresh one when something new
-- arrives, its count lowered as claims are decided, removed when nothing waits any more.
-- Read ones stay as they were read. At most one unread digest of a kind per person:
CREATE UNIQUE INDEX notifications_digest ON notifications (person_id, kind)
    WHERE read_at IS NULL AND kind IN ('claims_waiting', 'claims_overdue');

-- 审核超时: when a pending claim, waiting longer than JIFEN_CLAIM_REVIEW_HOURS, was sent up to
-- its village's admins (NULL: not overdue, or decided before it was). Set once by the sweep.
ALTER TABLE point_claims ADD COLUMN escalated_at BIGINT;

-- The sweep's question: pending claims not yet escalated, oldest first.
CREATE INDEX point_claims_overdue ON point_claims (created_at)
    WHERE status = 'pending' AND escalated_at IS NULL;

-- Whether the keepers and admins were told that the goods fell to their low-stock threshold:
-- set when the stock crosses it (once), cleared when it is above it again (a restock), so
-- that the next fall tells them again.
ALTER TABLE shop_goods ADD COLUMN low_stock_alerted BIGINT NOT NULL DEFAULT 0
    CHECK (low_stock_alerted IN (0, 1));

-- Who is told: the holders of a role over one region (the grid workers of a grid, the admins
-- of a village).
CREATE INDEX role_assignments_region ON role_assignments (region_code, role);
