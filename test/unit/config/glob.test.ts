import { strict as assert } from 'node:assert';
import { globBase, globToRegExp, isGlob } from '../../../server/src/config/glob';

describe('glob matcher', () => {
  const matches = (glob: string, path: string) => globToRegExp(glob).test(path);

  it('matches * and ? within one path segment', () => {
    assert.equal(matches('*.sql', 'V1__init.sql'), true);
    assert.equal(matches('*.sql', 'db/V1__init.sql'), false);
    assert.equal(matches('V?__*.sql', 'V2__x.sql'), true);
    assert.equal(matches('V?__*.sql', 'V10__x.sql'), false);
  });

  it('matches ** across zero or more folders', () => {
    assert.equal(matches('migrations/**/*.sql', 'migrations/a.sql'), true);
    assert.equal(matches('migrations/**/*.sql', 'migrations/x/y/a.sql'), true);
    assert.equal(matches('migrations/**/*.sql', 'other/a.sql'), false);
    assert.equal(matches('**/*.sql', 'a.sql'), true);
    assert.equal(matches('legacy/**', 'legacy/a/b.sql'), true);
  });

  it('supports classes, alternatives and escapes', () => {
    assert.equal(matches('[0-9]*.sql', '001_init.sql'), true);
    assert.equal(matches('[!0-9]*.sql', '001_init.sql'), false);
    assert.equal(matches('*.{up,down}.sql', '1.down.sql'), true);
    assert.equal(matches('*.{up,down}.sql', '1.side.sql'), false);
    assert.equal(matches('a\\*b.sql', 'a*b.sql'), true);
    assert.equal(matches('a\\*b.sql', 'axb.sql'), false);
  });

  it('treats regular-expression characters literally and survives malformed globs', () => {
    assert.equal(matches('a+(b).sql', 'a+(b).sql'), true);
    assert.equal(matches('a+(b).sql', 'aa(b).sql'), false);
    assert.equal(matches('{a,b', '{a,b'), true);
    assert.equal(matches('[abc', '[abc'), true);
  });

  it('finds the folder to walk from', () => {
    assert.equal(globBase('migrations/**/*.sql'), 'migrations');
    assert.equal(globBase('./db/migrations/V*.sql'), 'db/migrations');
    assert.equal(globBase('*.sql'), '.');
    assert.equal(globBase('/abs/dir/*.sql'), '/abs/dir');
    assert.equal(isGlob('migrations/**/*.sql'), true);
    assert.equal(isGlob('migrations/V1.sql'), false);
  });
});
