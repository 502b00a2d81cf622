// The checkpoint signing key: supplied by config, or generated on first start into the data
// directory with mode 0600. Created with O_EXCL so processes sharing a data directory that start
// together end up with the same key.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    try {
      writeFileSync(path, `${generateSignerKey(options.keyName)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
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
