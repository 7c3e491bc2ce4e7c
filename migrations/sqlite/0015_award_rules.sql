-- Awards by rule (POST /admin/awards with rule_id): which rule of the catalogue gave the
-- points; NULL for an award of free points.
ALTER TABLE point_awards ADD COLUMN rule_id BIGINT REFERENCES point_rules (id);
