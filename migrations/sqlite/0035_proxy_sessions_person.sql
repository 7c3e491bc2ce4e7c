-- A villager's open proxy sessions, found without a scan: 挂失补卡 ends those opened with the
-- lost card (server/src/proxy/storage.rs, end_card_sessions).
CREATE INDEX proxy_sessions_person ON proxy_sessions (person_id, ended_at);
