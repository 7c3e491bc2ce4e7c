-- The rule catalogue (积分事项): what earns or costs points. region_code NULL: the catalogue
-- shipped with the product, for every village; otherwise a county's or a village's own rule.
-- category: the county's four governances — autonomy (自治), virtue (德治), law (法治),
-- smart (智治) — plus environment (人居环境) and civility (文明新风). points < 0: a deduction.
-- Caps count per person in the county's day and month (JIFEN_TIMEZONE); NULL: no cap.
CREATE TABLE point_rules (
    id          INTEGER NOT NULL PRIMARY KEY,
    code        TEXT   NOT NULL,
    name        TEXT   NOT NULL,
    category    TEXT   NOT NULL CHECK (category IN ('autonomy', 'virtue', 'law', 'smart', 'environment', 'civility')),
    points      BIGINT NOT NULL CHECK (points <> 0),
    needs_photo BIGINT NOT NULL CHECK (needs_photo IN (0, 1)),
    daily_cap   BIGINT CHECK (daily_cap > 0),
    monthly_cap BIGINT CHECK (monthly_cap > 0),
    active      BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    region_code TEXT   REFERENCES regions (code),
    -- region_code, or '*' for the shipped catalogue: codes are unique within a scope.
    scope       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE UNIQUE INDEX point_rules_code ON point_rules (scope, code);

INSERT INTO point_rules (code, name, category, points, needs_photo, daily_cap, monthly_cap, region_code, scope, created_at) VALUES
    ('garbage_sorting', '垃圾分类', 'environment', 2, 1, 1, NULL, NULL, '*', 0),
    ('courtyard_tidy', '门前三包、庭院整洁', 'environment', 2, 1, 1, NULL, NULL, '*', 0),
    ('volunteer_service', '志愿服务', 'virtue', 5, 1, 2, NULL, NULL, '*', 0),
    ('filial_piety', '孝老爱亲', 'virtue', 5, 0, NULL, 2, NULL, '*', 0),
    ('village_assembly', '参加村民议事会', 'autonomy', 3, 0, 1, NULL, NULL, '*', 0),
    ('night_patrol', '夜间巡逻（平安守护队）', 'law', 3, 1, 1, NULL, NULL, '*', 0),
    ('dispute_mediation', '矛盾调解', 'law', 5, 0, NULL, 4, NULL, '*', 0),
    ('smart_services', '线上办事、积分平台使用', 'smart', 1, 0, 1, NULL, NULL, '*', 0),
    ('civilized_household', '文明户', 'civility', 20, 0, NULL, 1, NULL, '*', 0),
    ('five_beauty_courtyard', '五美庭院', 'civility', 20, 1, NULL, 1, NULL, '*', 0),
    ('littering', '乱堆乱放', 'environment', -5, 1, NULL, NULL, NULL, '*', 0),
    ('illegal_burning', '违规焚烧', 'environment', -10, 1, NULL, NULL, NULL, '*', 0);
