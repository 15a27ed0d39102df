-- The guards, tried as the service's own role: what the database refuses whatever the service does.
BEGIN;
SELECT plan(7);
SET LOCAL ROLE countersign_app;

SELECT throws_ok($$UPDATE audit_events SET actor = 'someone else'$$, '42501', NULL, 'the audit trail cannot be rewritten');
SELECT throws_ok($$DELETE FROM audit_chain_heads$$, '42501', NULL, 'nor its chain heads removed');
SELECT throws_ok(
    $$INSERT INTO vouchers (id, form_id, form_version, branch_code, teller_id, state, key_id, data_ciphertext, pdf, pdf_sha256, transaction_id)
      VALUES ('V0000000000000001', 'cash-withdrawal', 1, 'BR001', 'teller1', 'rendered', 'k', '\x00', '\x00', sha256('\x00'), 'T0000000000000001')$$,
    '23514', NULL, 'a voucher is made only from a committed counter transaction');
SELECT throws_ok(
    $$INSERT INTO voucher_renewals (voucher_id, generation, previous_sha256, pdf, pdf_sha256, archive_expires_at, renewed_by)
      VALUES ('V0000000000000001', 1, sha256(''), '\x00', sha256('\x00'), now() + interval '1 year', 'test')$$,
    '23514', 'voucher V0000000000000001: only a sealed voucher is renewed', 'only a sealed voucher is renewed');
SELECT throws_ok($$DELETE FROM voucher_renewals$$, '42501', NULL, 'a renewal is never deleted');
SELECT throws_ok($$INSERT INTO certificate_revocations VALUES ('CN=x', 'AB', now(), 'BR001-BUSINESS')$$, '42501', NULL,
    'nor a certificate revocation written but by revoking a seal');
SELECT throws_ok($$INSERT INTO authz_rule_sets DEFAULT VALUES$$, '42501', NULL, 'nor a rule set put in force');

SELECT * FROM finish();
ROLLBACK;
