-- Rules set up from the console (issue "The operators' console, part 1").
-- for_groups: the county's groups (五类人员: 村干部, 党员, 村民代表, 村民, 脱贫户, 监测户; people's
-- tags) whose members may claim the rule, '|'-separated; '' for every villager.
-- village_min/village_max: within which the villages of a county rule set their own points
-- (both NULL: they may only switch it off). updated_at: the owner's last change (UTC ms).
ALTER TABLE point_rules ADD COLUMN for_groups TEXT NOT NULL DEFAULT '';
ALTER TABLE point_rules ADD COLUMN village_min BIGINT;
ALTER TABLE point_rules ADD COLUMN village_max BIGINT;
ALTER TABLE point_rules ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

-- A county's or a village's own setting of a rule it does not own: a county's of a shipped
-- rule (off for its villages, its own points, bounds for its villages' points), a village's
-- of a shipped or county rule (off for itself, its own points within the bounds). A row that
-- would say nothing (on, no points, no bounds) is deleted instead. History: the audit log
-- (`rule.setting`, before/after).
CREATE TABLE point_rule_settings (
    rule_id     BIGINT NOT NULL REFERENCES point_rules (id),
    region_code TEXT   NOT NULL REFERENCES regions (code),
    active      BIGINT NOT NULL CHECK (active IN (0, 1)),
    points      BIGINT CHECK (points <> 0),
    village_min BIGINT,
    village_max BIGINT,
    updated_by  BIGINT REFERENCES people (id),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (rule_id, region_code),
    CHECK ((village_min IS NULL) = (village_max IS NULL))
);

-- A village's rules read its own and its county's settings.
CREATE INDEX point_rule_settings_region ON point_rule_settings (region_code, rule_id);

-- A rule's history (and, later, any object's) read from the audit log by its target.
CREATE INDEX audit_log_target ON audit_log (target, id);
