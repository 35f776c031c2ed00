-- `orders` already exists (an earlier migration created it), so both statements touch a live table.
CREATE INDEX idx_orders_customer ON orders (customer_id);

ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';
