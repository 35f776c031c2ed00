import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';

/**
 * The SARIF 2.1.0 JSON schema, as Microsoft's @microsoft/jest-sarif package ships it (not copied into this repo).
 * The official schema is draft-04 (`id`, draft-04 `$schema`); Ajv 8 speaks draft-07+, and the two
 * agree on every keyword this schema uses, so only the root `id`/`$schema` need translating.
 */
export function sarifValidator() {
  const file = join(dirname(require.resolve('@microsoft/jest-sarif')), 'schemas', 'sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  const { id, $schema, ...rest } = schema;
  assert.equal($schema, 'http://json-schema.org/draft-04/schema#');
  // rtm.5 has a language-tag pattern that is only valid without the `u` flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => !/[\s<>"{}|\\^`]/.test(value) && URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile({ $id: id, ...rest });
}
