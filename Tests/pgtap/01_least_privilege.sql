-- What the service's own role may do, read from the catalog: it appends to the audit trail only through
-- audit_append() (a SECURITY DEFINER function), and what decides or proves things is the owner's to write. (That it
-- may not make temporary tables is a database-level grant, checked by the service at start: PrivilegeCheck.)
BEGIN;
SELECT plan(8);

SELECT table_privs_are('public', 'audit_events', 'countersign_app', ARRAY['SELECT'],
    'the service reads the audit trail; it writes it only through audit_append()');
SELECT table_privs_are('public', 'audit_chain_heads', 'countersign_app', ARRAY['SELECT'], 'nor the chain heads');
SELECT is_definer('public', 'audit_append', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'bytea'],
    'audit_append() runs as the owner');
SELECT function_privs_are('public', 'audit_append', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'bytea'],
    'countersign_app', ARRAY['EXECUTE'], 'which the service may call');
SELECT table_privs_are('public', 'certificate_revocations', 'countersign_app', ARRAY['SELECT'],
    'a certificate revocation is recorded only by revoking a seal (a trigger as the owner)');
SELECT table_privs_are('public', 'voucher_renewals', 'countersign_app', ARRAY['SELECT', 'INSERT'],
    'archive renewals are appended, never changed or deleted');
SELECT table_privs_are('public', 'authz_rule_sets', 'countersign_app', ARRAY['SELECT'], 'the rules in force are the owner''s');
SELECT is(has_schema_privilege('countersign_app', 'public', 'CREATE'), false, 'no new objects in the schema');

SELECT * FROM finish();
ROLLBACK;
