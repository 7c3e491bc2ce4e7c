-- The registry's list by region in constant time (server/src/people/storage.rs, `list`): the
-- people living in a village, township (the village code's first 9 digits), county (first 6)
-- or grid, each ordered by id; and the staff roles apart from the villagers' own (a county's
-- few thousand, scanned for those whose region lies inside the one asked for).
CREATE INDEX people_village_id ON people (village_code, id);
CREATE INDEX people_township ON people (substr(village_code, 1, 9), id);
CREATE INDEX people_county ON people (substr(village_code, 1, 6), id);
CREATE INDEX people_grid ON people (grid_code, id);
CREATE INDEX role_assignments_staff ON role_assignments (region_code, person_id) WHERE role <> 'villager';
