-- The audit ledger is append-only for every role that does not own the table's triggers: UPDATE,
-- DELETE and TRUNCATE of audit_entries are refused, so no code path of the application (a bug, an
-- injected statement) can rewrite or cut it. Only INSERT remains. An owner can still disable the
-- trigger (ALTER TABLE ... DISABLE TRIGGER): keep an anchor (docs/AUDIT.md) to detect that too.
CREATE FUNCTION "audit_entries_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'The audit ledger can only grow; record a correction as a new entry.';
END;
$$;

CREATE TRIGGER "audit_entries_append_only"
  BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_refuse_change"();

CREATE TRIGGER "audit_entries_no_truncate"
  BEFORE TRUNCATE ON "audit_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_entries_refuse_change"();
