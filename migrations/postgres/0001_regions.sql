-- Regions: the NBS division tree (province … village) and the project's grids below villages.
-- Conventions (both backends): BIGINT integers, UTC milliseconds in *_at, TEXT codes.
-- parent_code is not a foreign key: national files may be loaded in any order, or only in part
-- (a villages file without its townships); the code's prefix is its parent either way.
CREATE TABLE regions (
    code        TEXT   NOT NULL PRIMARY KEY,
    name        TEXT   NOT NULL,
    level       TEXT   NOT NULL CHECK (level IN ('province', 'prefecture', 'county', 'township', 'village', 'grid')),
    parent_code TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX regions_parent_code ON regions (parent_code, code);
