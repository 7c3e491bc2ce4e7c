-- The officials' overview (server/src/reports) reads a region's villagers' accounts, claims
-- and orders by village: indexes for those reads at county scale.
CREATE INDEX ledger_accounts_region_kind ON ledger_accounts (region_code, kind);
CREATE INDEX point_claims_village ON point_claims (village_code, reviewed_at);
CREATE INDEX service_orders_village ON service_orders (village_code, created_at);
