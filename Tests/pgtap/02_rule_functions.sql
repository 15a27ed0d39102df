-- The pure pieces the authorization guards judge by: amount bands, business hours, rule matching and which wider
-- mode a request may be escalated to.
BEGIN;
SELECT plan(14);

SELECT ok(authz_band_holds('{"min": "50000", "below": "200000"}', 5000000), 'CNY 50,000.00 is inside [50,000, 200,000)');
SELECT ok(NOT authz_band_holds('{"min": "50000", "below": "200000"}', 20000000), 'the upper bound is not');
SELECT ok(NOT authz_band_holds('{"min": "50000"}', 4999999), 'one fen below the lower bound is not');
SELECT ok(authz_band_holds('{}', 1), 'a band without bounds holds everything');

SELECT is(authz_offset_minutes('+08:00'), 480, 'Beijing is UTC+8');
SELECT is(authz_offset_minutes('-05:30'), -330, 'offsets west of Greenwich count back');
SELECT is(authz_minute_of_day('2026-12-04 02:00:00+00', '+08:00'), 600, '02:00 UTC is 10:00 in Beijing');
SELECT is(authz_minute_of_day('2026-12-04 17:30:00+00', '+08:00'), 90, 'and 17:30 UTC is 01:30 the next day');

SELECT ok(authz_rule_matches('{"codes": ["cash-withdrawal"], "amount": {"min": "50000"}}',
    '{"code": "cash-withdrawal", "currency": "CNY", "amount_minor": 5000000}', false), 'a rule matches its code and band');
SELECT ok(NOT authz_rule_matches('{"codes": ["cash-withdrawal"]}', '{"code": "transfer", "currency": "CNY", "amount_minor": 1}', false),
    'and not another code');
SELECT ok(NOT authz_rule_matches('{"outside_business_hours": true}', '{"code": "transfer", "currency": "CNY", "amount_minor": 1}', false),
    'a rule for outside business hours does not match inside them');

SELECT is(authz_wider_scope('cross-terminal', ARRAY['cross-terminal', 'cross-branch', 'central']), 'cross-branch',
    'cross-terminal widens to cross-branch first');
SELECT is(authz_wider_scope('cross-branch', ARRAY['cross-branch', 'central']), 'central', 'cross-branch widens to the centre');
SELECT is(authz_wider_scope('central', ARRAY['central']), NULL, 'the centre is as wide as it gets');

SELECT * FROM finish();
ROLLBACK;
