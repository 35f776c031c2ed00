-- End-to-end fixture for the trace: the earlier migration that creates the table.
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric(10,2));
