-- A customer's email is unique within its legal entity. The Synchronize job checks it before it
-- writes; this index makes the database refuse a duplicate that two Synchronize workers (or
-- instances) would otherwise write at the same moment: the batch then falls back to one
-- operation at a time, and the second one fails as a duplicate email. Keep in step with the
-- other database's 0003_unique_email.sql.
CREATE UNIQUE INDEX customers_unique_email ON customers (legal_entity_id, email)
    WHERE email IS NOT NULL AND email <> '';
