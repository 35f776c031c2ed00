/** A schema whose users table has one object of every dependent kind (shared by the dependency tests). */
export const DEPENDENT_SCHEMA = `
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, username text, nickname text);
CREATE TABLE audit (id bigserial PRIMARY KEY, note text);
CREATE VIEW active_users AS SELECT id, email FROM users;
CREATE MATERIALIZED VIEW user_domains AS SELECT split_part(email, '@', 2) AS domain FROM users;
CREATE FUNCTION find_user(p text) RETURNS bigint LANGUAGE sql AS $$ SELECT id FROM users WHERE email = p $$;
CREATE PROCEDURE purge_audit() LANGUAGE sql AS $$ DELETE FROM audit $$;
CREATE FUNCTION users_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES (NEW.email); RETURN NEW; END $$;
CREATE TRIGGER users_audit AFTER UPDATE OF email ON users FOR EACH ROW EXECUTE FUNCTION users_audit();
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_row ON users USING (email = current_user);
ALTER TABLE users ADD COLUMN email_domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED;
CREATE PUBLICATION users_pub FOR TABLE users;
CREATE VIEW gone AS SELECT email FROM users;
DROP VIEW gone;
`;
