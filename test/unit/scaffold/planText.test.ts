/** PLAN.md and plan names say what this plan does: no text borrowed from another kind, no names cut mid-word. */
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../server/src/config/types';
import { initEngine } from '../../../server/src/engine';
import { scaffold } from '../../../server/src/scaffold/scaffold';
import { schemaFromSql } from '../../../server/src/scaffold/schema';
import { slug } from '../../../server/src/scaffold/kinds/shared';
import { SCHEMA } from './cases';

function plan(kind: string, args: Record<string, string>, sql = SCHEMA) {
  const r = scaffold({ kind, args, schema: schemaFromSql(sql, DEFAULT_CONFIG), runner: 'plain', migrationsDir: 'm', existing: [] });
  const md = r.files.find((f) => f.path.endsWith('PLAN.md'))!.content;
  return { ...r, md, all: r.files.map((f) => f.content).join('\n') };
}

describe('scaffold: plan text and names', () => {
  before(() => initEngine());

  it('add-not-null-column speaks of the new column only, and its checks have no vacuous conditions', () => {
    const p = plan('add-not-null-column', { table: 'accounts', column: 'email_lower', type: 'text', backfill: 'lower(email)' });
    assert.doesNotMatch(p.md, /old columns?/i);
    assert.doesNotMatch(p.all, /\btrue OR\b|\(true\)|AND true\b/);
    assert.match(p.md, /count\(\*\) FILTER \(WHERE NOT \(email_lower IS NOT NULL\)\) AS mismatched/);
  });

  it('no "orders\'s": possessives are written out', () => {
    const p = plan('change-primary-key', { table: 'users', to: 'uuid' });
    assert.doesNotMatch(p.all, /[a-z_]'s key/);
    assert.match(p.plan.title, /the key of users to uuid/);
  });

  it('long plan names are cut at a word boundary', () => {
    const s = slug('split', 'patient_contact_preferences', 'emergency_contact_name');
    assert.equal(s, 'split_patient_contact_preferences');
    assert.ok(s.length <= 40);
    assert.equal(slug('rename', 'users', 'email'), 'rename_users_email');
  });

  it('--name gives two plans on one table distinct objects and files', () => {
    const sql = 'CREATE TABLE patients (id bigserial PRIMARY KEY, phone text, email text, city text);';
    const a = plan('split-table', { table: 'patients', columns: 'phone,email', into: 'patient_contacts', name: 'patients_contacts' }, sql);
    const b = plan('split-table', { table: 'patients', columns: 'city', into: 'patient_addresses', name: 'patients_address' }, sql);
    const paths = (x: typeof a) => new Set(x.files.map((f) => f.path));
    for (const p of paths(a)) assert.ok(!paths(b).has(p), p);
    assert.ok(a.all.includes('patients_contacts_backfill') && b.all.includes('patients_address_backfill'));
    assert.ok(!b.all.includes('patients_contacts_'));
  });
});
