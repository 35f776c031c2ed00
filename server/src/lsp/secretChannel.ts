/**
 * How the database password reaches the language server without appearing in any LSP message.
 * VS Code writes the LSP trace (`lockstep.trace.server: verbose`) to its log files, so a secret
 * must not travel in a request, a response or a notification — in plain text or otherwise readable.
 *
 * The client makes a random 256-bit key once per activation and hands it to the server process in
 * its environment (LOCKSTEP_SECRET_KEY), which is not an LSP message and is never traced; the
 * server removes it from its own environment at once, so no child process inherits it. Passwords
 * then travel sealed with AES-256-GCM under that key (fresh nonce each time, bound to the
 * connection they are for): the trace shows only ciphertext that nothing outside the two
 * processes can open. Dependency-free (node:crypto), so the client bundle imports it too.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SECRET_KEY_ENV = 'LOCKSTEP_SECRET_KEY';

export function newSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/** `context` (e.g. the connection's `user@host:port/db`) is authenticated, so a sealed password cannot be replayed for another target. */
export function seal(secret: string, keyHex: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The secret, or undefined when it was not sealed with this key for this context. */
export function unseal(sealed: unknown, keyHex: string | undefined, context: string): string | undefined {
  if (typeof sealed !== 'string' || !keyHex || !/^[0-9a-f]{64}$/i.test(keyHex)) return undefined;
  try {
    const raw = Buffer.from(sealed, 'base64');
    if (raw.length < 28) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The server's key: read once from the environment and removed from it. */
export function takeSecretKey(env: Record<string, string | undefined>): string | undefined {
  const key = env[SECRET_KEY_ENV];
  delete env[SECRET_KEY_ENV];
  return key && /^[0-9a-f]{64}$/i.test(key) ? key : undefined;
}
