-- A rejection finished its transaction twice: when the request became rejected (0022) and, since 0024, when the
-- reject decision was recorded — which always comes first and cannot be undone. The decision's trigger stays.
DROP TRIGGER authz_rejection_finishes_transaction ON authz_requests;
DROP FUNCTION authz_rejection_finishes_transaction();
