-- expect: require-lock-timeout
DROP TABLE invoices;
