-- The audit log is append-only in the database, not only by convention (小微权力监督): an
-- UPDATE or DELETE of a row fails, whoever sends it. Only INSERT remains. Filters of the
-- audit screen (GET /admin/audit): by actor and by time.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_created ON audit_log (created_at);
