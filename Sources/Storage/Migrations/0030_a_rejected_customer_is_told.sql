-- A counter session whose transaction the bank rejected ends too (issue #15): the teller closes it, and its screen
-- tells the customer that the transaction was not approved, then shows the next code.
ALTER TABLE counter_screens DROP CONSTRAINT counter_screens_ended_how_check;
ALTER TABLE counter_screens ADD CONSTRAINT counter_screens_ended_how_check CHECK (ended_how IN ('receipt', 'cancelled', 'rejected'));
