-- A customer's email was indexed twice: customers_by_email (0001) and the unique partial index
-- customers_unique_email (0003), on the same columns. Every customer the Synchronize job
-- created paid for two random index inserts; the partial index alone serves the job's email
-- lookups, which ask for non-empty emails only (so the index's condition holds). Keep in step
-- with the other database's 0012_one_email_index.sql.
DROP INDEX customers_by_email;
