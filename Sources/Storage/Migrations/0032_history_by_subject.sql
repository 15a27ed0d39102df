-- The officer judging a request sees the account's (or customer's) recent transactions (issue #15). The account
-- number is encrypted with the payload, so each transaction also keeps a keyed digest of its subject (HMAC under a
-- key derived from the data key, as the directory's lookups): equal subjects match, a copy of the database does
-- not reveal the numbers. Transactions from before this migration have none and simply do not appear.
ALTER TABLE teller_transactions ADD COLUMN subject_tag bytea CHECK (octet_length(subject_tag) = 32);
CREATE INDEX teller_transactions_subject ON teller_transactions (subject_tag, submitted_at DESC) WHERE subject_tag IS NOT NULL;
