/** The plan note "Split into phases" writes next to the migration: the phases, their files, and the deploys between them. */
import { basename } from 'node:path';
import { siteBullets } from '../coderefs/codeSites';
import type { RunnerId } from '../config/types';
import { RUNNERS } from '../document/runner';
import type { Finding } from '../findings';
import type { NewFile, Phase } from '../fixes/types';
import type { DeployPoint, PlannedFile } from './plan';

const PHASE_TITLES: Record<Phase, string> = {
  expand: 'Expand: additions the running code does not notice',
  backfill: 'Backfill: move the data, in batches',
  contract: 'Contract: remove and tighten, once nothing depends on the old shape',
};

export interface NoteInput {
  path: string;
  runner: RunnerId;
  files: PlannedFile[];
  deploys: DeployPoint[];
  remaining: Array<{ path: string; findings: Finding[] }>;
  notePath: string;
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 110 ? `${flat.slice(0, 107)}...` : flat;
}

export function planNote(input: NoteInput): NewFile {
  const lines = [
    `# Rollout plan for ${basename(input.path)}`,
    '',
    `Written by Lockstep's "Split into phases" (${RUNNERS[input.runner].label}). Run the migrations in this order;`,
    'a **deploy** line means: ship the application change it names, and wait until no old version runs, before going on.',
    '',
  ];
  let phase: Phase | undefined;
  let step = 0;
  for (const file of input.files) {
    if (file.phase !== phase) {
      if (phase) lines.push('');
      const deploy = input.deploys.find((d) => d.before === file.phase);
      if (deploy) lines.push(`**Deploy** before the ${file.phase} phase: ${deploy.reasons.join('; ')}.`, '');
      if (deploy?.codeSites?.length) lines.push(`The code that deploy must change (it still uses what the ${file.phase} phase removes or constrains):`, '', ...siteBullets(deploy.codeSites), '');
      phase = file.phase;
      lines.push(`## ${++step}. ${PHASE_TITLES[file.phase]}`, '');
    }
    const how = file.transactional ? 'in a transaction' : 'outside a transaction';
    lines.push(`- \`${basename(file.path)}\` (${how}):`);
    for (const p of file.steps) lines.push(`  - \`${oneLine(p.step.sql)}\` (${p.why})`);
  }
  lines.push('');
  if (input.remaining.length) {
    lines.push('## Still flagged', '', 'Lockstep still reports these in the generated files; review them before running:', '');
    for (const r of input.remaining) for (const f of r.findings) lines.push(`- \`${basename(r.path)}\`: ${f.ruleId}: ${f.message}`);
    lines.push('');
  }
  lines.push(
    '## Down migrations',
    '',
    'Each new file undoes only its own statements where Lockstep knows how. The original down migration undid',
    'the whole change: review it against the first phase, which is all the original file now holds.',
    '',
  );
  return { path: input.notePath, text: lines.join('\n') };
}
