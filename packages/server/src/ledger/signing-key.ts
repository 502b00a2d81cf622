// The checkpoint signing key: supplied by config, or generated on first start into the data
// directory with mode 0600. Processes sharing a data directory that start together end up with
// the same key.
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, type NoteSigner, parseSignerKey, verifierKeyFor } from '@auditledge/core';
import { ConfigError } from '../config.js';

export interface SigningKey {
  signer: NoteSigner;
  /** The public verifier key string, `<name>+<hex id>+<base64 key>`. */
  verifierKey: string;
}

export const SIGNING_KEY_FILE = 'signing-key';

export function loadSigningKey(options: {
  dataDir: string;
  keyName: string;
  signingKey?: string | undefined;
}): SigningKey {
  let text = options.signingKey;
  if (text === undefined) {
    const path = join(options.dataDir, SIGNING_KEY_FILE);
    mkdirSync(options.dataDir, { recursive: true });
    // Write a complete file under a private name, then link it into place: link() fails if the
    // key exists, so a process starting at the same moment reads either nothing or the whole key.
    if (!existsSync(path)) {
      const candidate = `${path}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(candidate, `${generateSignerKey(options.keyName)}\n`, { mode: 0o600, flag: 'wx' });
      try {
        linkSync(candidate, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(candidate);
      }
    }
    text = readFileSync(path, 'utf8');
  }
  try {
    const signer = parseSignerKey(text.trim());
    return { signer, verifierKey: verifierKeyFor(signer) };
  } catch (error) {
    throw new ConfigError(`the checkpoint signing key is not a valid note signer key: ${(error as Error).message}`);
  }
}
