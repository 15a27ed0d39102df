-- Authorization decisions stick (issue #14). After an officer rejected a request, the teller could request the same
-- transaction again — in local mode with the branch supervisor's password — and commit it. Now a rejection
-- finishes its transaction: the same statement that records it marks the transaction abandoned, and an abandoned
-- transaction takes no request and no commit (the insert and transaction guards already require an open one).
-- The teller starts a new transaction, which may name the rejected one it replaces.

CREATE FUNCTION authz_rejection_finishes_transaction() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE teller_transactions SET state = 'abandoned' WHERE id = NEW.transaction_id AND state = 'needs_authorization';
    RETURN NEW;
END $$;

CREATE TRIGGER authz_rejection_finishes_transaction AFTER UPDATE OF state ON authz_requests
    FOR EACH ROW WHEN (NEW.state = 'rejected' AND OLD.state <> 'rejected') EXECUTE FUNCTION authz_rejection_finishes_transaction();

-- The new transaction names the rejected one it replaces: once, by the same teller, and only a finished one.
ALTER TABLE teller_transactions ADD COLUMN replaces text UNIQUE REFERENCES teller_transactions (id);

CREATE FUNCTION teller_transactions_replace_guard() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.replaces IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM teller_transactions t
        WHERE t.id = NEW.replaces AND t.teller_id = NEW.teller_id AND t.state = 'abandoned')
    THEN
        RAISE EXCEPTION 'transaction %: it can replace only an abandoned or rejected transaction of the same teller (got %)', NEW.id, NEW.replaces
            USING ERRCODE = 'check_violation', CONSTRAINT = 'txn_replaces_finished';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER teller_transactions_replace_guard BEFORE INSERT ON teller_transactions
    FOR EACH ROW EXECUTE FUNCTION teller_transactions_replace_guard();
