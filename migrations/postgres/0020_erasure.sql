-- Erasure (GDPR article 17): a customer whose personal data was erased keeps their record
-- (account, legal entity, dates) with the time of the erasure, and the 1010 feed tells the
-- channels with an `erased` change, so POS databases can erase too. Keep in step with the
-- other database's 0020_erasure.sql.
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
-- The customer's operations stay as records (status, timestamps, channel), their values erased.
ALTER TABLE operations ADD COLUMN erased_at BIGINT;

ALTER TABLE customer_changes DROP CONSTRAINT customer_changes_change_check;
ALTER TABLE customer_changes ADD CONSTRAINT customer_changes_change_check
    CHECK (change IN ('created', 'updated', 'erased'));
ALTER TABLE distribution_feed DROP CONSTRAINT distribution_feed_change_check;
ALTER TABLE distribution_feed ADD CONSTRAINT distribution_feed_change_check
    CHECK (change IN ('created', 'updated', 'erased'));
-- An erasure finds the feed rows of a customer's accounts without reading the whole feed.
CREATE INDEX distribution_feed_by_customer ON distribution_feed (customer_account);
