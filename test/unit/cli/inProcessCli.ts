/** The CLI run in this process (no bundle, no spawn): its exit status and what it wrote. */
import { runCli, type CliIO } from '../../../server/src/cli/run';

export interface InProcessRun {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(cwd: string, argv: string[]): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd, env: {}, stdoutIsTTY: false, writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t), readStdin: async () => Buffer.from('') };
  const status = await runCli(argv, io);
  return { status, stdout, stderr };
}
