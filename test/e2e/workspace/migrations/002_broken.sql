-- End-to-end fixture: a statement PostgreSQL cannot parse.
CREATE TABLE shipments (id bigint PRIMARY KEY, carrier text;
