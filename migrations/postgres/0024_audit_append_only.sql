-- The audit log is append-only in the database, not only by convention (小微权力监督): an
-- UPDATE, DELETE or TRUNCATE fails, whoever sends it (the server's own role included). Only
-- INSERT remains. Filters of the audit screen (GET /admin/audit): by actor and by time.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_created ON audit_log (created_at);
