// `npm run test:framework-tools`: the real Rails, Django and Alembic (Debian packages, installed here
// with apt-get when missing and run as root, as CI is; otherwise it stops with the exact command)
// run test/fixtures/framework-tools/ against PostgreSQL 18, and test/tools/ compares what the server
// received with Lockstep's translations.
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages } from '../e2e/lib/prereqs.mjs';

export const TOOL_PACKAGES = {
  'ruby-activerecord': 'ActiveRecord (Rails migrations)',
  'ruby-pg': "ActiveRecord's PostgreSQL driver",
  'python3-django': 'Django (manage.py migrate)',
  'python3-alembic': 'Alembic (alembic upgrade)',
  'python3-sqlalchemy': "Alembic's SQL compiler",
  'python3-psycopg2': "Django's and SQLAlchemy's PostgreSQL driver",
};

await ensureDebianPackages(TOOL_PACKAGES);
const mocha = spawnSync('npx', ['mocha', 'test/tools/**/*.test.ts'], { stdio: 'inherit', env: { ...process.env } });
process.exit(mocha.status ?? 1);
