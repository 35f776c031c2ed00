import { strongest } from './modes';
import type { Certainty, LockEffect } from './types';

/** One entry per object: the strongest mode, and rewrite/scan if any part does it. */
export function mergeEffects(effects: LockEffect[]): LockEffect[] {
  // Most parts and statements lock one object: a copy, as below, without the map.
  if (effects.length === 1) return [{ ...effects[0] }];
  const byObject = new Map<string, LockEffect>();
  for (const e of effects) {
    const key = `${e.kind === 'type' ? 'type:' : ''}${e.object}`;
    const seen = byObject.get(key);
    if (!seen) {
      byObject.set(key, { ...e });
      continue;
    }
    seen.mode = strongest(seen.mode, e.mode);
    seen.rewrite = anyOf(seen.rewrite, e.rewrite);
    seen.scan = anyOf(seen.scan, e.scan);
    seen.implied = seen.implied && e.implied;
    seen.created = seen.created || e.created;
    seen.dropped = seen.dropped || e.dropped;
    seen.recreated = seen.recreated || e.recreated;
  }
  return [...byObject.values()];
}

function anyOf(a: Certainty, b: Certainty): Certainty {
  if (a === true || b === true) return true;
  if (a === 'maybe' || b === 'maybe') return 'maybe';
  return false;
}
