/**
 * The "Get started with Lockstep" walkthrough's commands, the context-menu "Split into Phases",
 * and the `lockstep.enable` switch (stops the language server while off).
 */
import * as vscode from 'vscode';
import type { ClientFeature } from './features';

export const OPEN_SAMPLE_COMMAND = 'lockstep.openSampleMigration';
export const SPLIT_COMMAND = 'lockstep.splitIntoPhases';

/** A migration with the classic outage in it, for the walkthrough's first steps. */
export const SAMPLE_MIGRATION = `-- A sample migration: hover the statements, then try the light-bulb.
ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
`;

export const walkthroughClientFeature: ClientFeature = ({ client, output }) => [
  vscode.commands.registerCommand(OPEN_SAMPLE_COMMAND, async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: SAMPLE_MIGRATION });
    return vscode.window.showTextDocument(document);
  }),
  vscode.commands.registerCommand(SPLIT_COMMAND, () =>
    vscode.commands.executeCommand('editor.action.sourceAction', { kind: 'source.lockstep.splitPhases', apply: 'first' }),
  ),
  vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (!event.affectsConfiguration('lockstep.enable')) return;
    const enabled = vscode.workspace.getConfiguration('lockstep').get<boolean>('enable') !== false;
    try {
      if (enabled && !client.isRunning()) await client.start();
      if (!enabled && client.isRunning()) await client.stop();
      output.info(`Lockstep ${enabled ? 'enabled' : 'disabled'} (lockstep.enable).`);
    } catch (error) {
      output.error(`Could not ${enabled ? 'start' : 'stop'} the language server: ${String(error)}`);
    }
  }),
];
