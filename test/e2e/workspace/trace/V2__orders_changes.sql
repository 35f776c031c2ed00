-- End-to-end fixture for the trace: replayed on embedded PostgreSQL after V1.
ALTER TABLE orders ALTER COLUMN customer_id TYPE text;
CREATE INDEX orders_customer_idx ON orders (customer_id);
