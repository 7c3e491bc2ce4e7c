-- Service orders (五单) and ratings (好差评): the service types a county offers with the
-- points a volunteer earns (county_code NULL / scope '*': the shipped catalogue; a county's
-- own type replaces the shipped one of the same code), orders, their photos and timeline,
-- ratings, rectifications (整改) and the in-app inbox.
CREATE TABLE service_types (
    id            INTEGER NOT NULL PRIMARY KEY,
    code          TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    reward_points BIGINT NOT NULL CHECK (reward_points > 0),
    active        BIGINT NOT NULL CHECK (active IN (0, 1)),
    county_code   TEXT   REFERENCES regions (code),
    scope         TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE UNIQUE INDEX service_types_code ON service_types (scope, code);

INSERT INTO service_types (code, name, reward_points, active, county_code, scope, created_at, updated_at) VALUES
    ('errand', '代办跑腿', 5, 1, NULL, '*', 0, 0),
    ('elder_visit', '助老探访', 5, 1, NULL, '*', 0, 0),
    ('legal_advice', '法律咨询', 5, 1, NULL, '*', 0, 0),
    ('appliance_repair', '家电维修', 8, 1, NULL, '*', 0, 0),
    ('mediation', '矛盾调解', 8, 1, NULL, '*', 0, 0),
    ('environment', '环境整治', 5, 1, NULL, '*', 0, 0),
    ('counselling', '心理疏导', 5, 1, NULL, '*', 0, 0);

-- An order: open -> claimed (a volunteer took it, or an admin dispatched it) -> completed;
-- claimed -> open when released; open -> cancelled by the villager. escalation_level: 0 none,
-- 1 the grid worker's queue, 2 the village admin's, 3 the township's; open_since: when it was
-- ordered, released or last escalated (the next escalation is one SLA later). reward_points
-- and type_name as they were when ordered. rated: whether it has a rating (the automatic
-- rating's sweep looks only at unrated ones). paid_transfer_id: the reward, paid once.
CREATE TABLE service_orders (
    id               INTEGER NOT NULL PRIMARY KEY,
    orderer_id       BIGINT NOT NULL REFERENCES people (id),
    village_code     TEXT   NOT NULL REFERENCES regions (code),
    grid_code        TEXT,
    type_id          BIGINT NOT NULL REFERENCES service_types (id),
    type_name        TEXT   NOT NULL,
    reward_points    BIGINT NOT NULL CHECK (reward_points > 0),
    description      TEXT   NOT NULL,
    address          TEXT,
    status           TEXT   NOT NULL CHECK (status IN ('open', 'claimed', 'completed', 'cancelled')),
    volunteer_id     BIGINT REFERENCES people (id),
    escalation_level BIGINT NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 3),
    open_since       BIGINT NOT NULL,
    rated            BIGINT NOT NULL DEFAULT 0 CHECK (rated IN (0, 1)),
    completion_note  TEXT,
    completed_at     BIGINT,
    paid_transfer_id BIGINT REFERENCES ledger_transfers (id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK ((status IN ('claimed', 'completed')) = (volunteer_id IS NOT NULL))
);

CREATE INDEX service_orders_open ON service_orders (status, village_code, id);
CREATE INDEX service_orders_orderer ON service_orders (orderer_id, id);
CREATE INDEX service_orders_volunteer ON service_orders (volunteer_id, id);
CREATE INDEX service_orders_grid ON service_orders (grid_code, id);
CREATE INDEX service_orders_escalation ON service_orders (open_since) WHERE status = 'open';
CREATE INDEX service_orders_unrated ON service_orders (completed_at) WHERE status = 'completed' AND rated = 0;

-- Photos of an order: the villager's (kind 'order') and the volunteer's ('completion').
CREATE TABLE service_order_photos (
    order_id BIGINT NOT NULL REFERENCES service_orders (id),
    media_id BIGINT NOT NULL REFERENCES media (id),
    kind     TEXT   NOT NULL CHECK (kind IN ('order', 'completion')),
    position BIGINT NOT NULL,
    PRIMARY KEY (order_id, kind, position)
);

CREATE INDEX service_order_photos_media ON service_order_photos (media_id);

-- The timeline: every state change with who (NULL: the system) and when.
CREATE TABLE service_order_events (
    id         INTEGER NOT NULL PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES service_orders (id),
    kind       TEXT   NOT NULL,
    actor_id   BIGINT REFERENCES people (id),
    note       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX service_order_events_order ON service_order_events (order_id, id);

-- Ratings: round 1, and round 2 after a rectification. automatic: not rated within 7 days
-- of completion, counted as 3 stars (中评).
CREATE TABLE service_ratings (
    order_id   BIGINT NOT NULL REFERENCES service_orders (id),
    round      BIGINT NOT NULL CHECK (round IN (1, 2)),
    stars      BIGINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment    TEXT   NOT NULL,
    automatic  BIGINT NOT NULL CHECK (automatic IN (0, 1)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, round)
);

CREATE INDEX service_ratings_created ON service_ratings (created_at);

-- Rectifications (整改) opened by a 差评, one per order, assigned to the order's village.
CREATE TABLE rectifications (
    id           INTEGER NOT NULL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES service_orders (id),
    village_code TEXT   NOT NULL REFERENCES regions (code),
    status       TEXT   NOT NULL CHECK (status IN ('open', 'closed')),
    follow_up    TEXT,
    opened_at    BIGINT NOT NULL,
    due_at       BIGINT NOT NULL,
    closed_at    BIGINT,
    closed_by    BIGINT REFERENCES people (id),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE UNIQUE INDEX rectifications_order ON rectifications (order_id);
CREATE INDEX rectifications_village ON rectifications (village_code, status);

-- The in-app inbox (消息): kept until read, so nothing is lost while a person is offline.
CREATE TABLE notifications (
    id         INTEGER NOT NULL PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    kind       TEXT   NOT NULL,
    text       TEXT   NOT NULL,
    reference  TEXT   NOT NULL,
    read_at    BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX notifications_person ON notifications (person_id, id);
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;
