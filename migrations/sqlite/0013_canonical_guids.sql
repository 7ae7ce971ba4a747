-- Async accounts (GUIDs) are stored in one canonical form, lower case, as the channel API now
-- writes them: `1D45…` and `1d45…` are one async customer. A customer whose lower-case GUID
-- another customer already holds (twins made before this) keeps its own, so nothing breaks the
-- unique index; the operations and feed entries follow the GUID as written for their customer.
UPDATE customers SET async_account = lower(async_account)
WHERE async_account <> lower(async_account)
  AND NOT EXISTS (SELECT 1 FROM customers twin WHERE twin.async_account = lower(customers.async_account));
UPDATE operations SET async_account = lower(async_account)
WHERE async_account <> lower(async_account)
  AND NOT EXISTS (SELECT 1 FROM customers twin WHERE twin.async_account = operations.async_account);
UPDATE distribution_feed SET async_account = lower(async_account)
WHERE async_account <> lower(async_account)
  AND NOT EXISTS (SELECT 1 FROM customers twin WHERE twin.async_account = distribution_feed.async_account);
