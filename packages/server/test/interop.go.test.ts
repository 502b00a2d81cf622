// Independent verification: the Go team's own transparency-log code (golang.org/x/mod/sumdb/note
// and sumdb/tlog, interop/go-verify) must accept our checkpoints and proofs, and reject a forgery.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSignerKey, openCheckpoint, verifierKeyFor } from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const GOPATH = '/usr/share/gocode';
const goAvailable =
  spawnSync('go', ['version']).status === 0 &&
  spawnSync('test', ['-d', `${GOPATH}/src/golang.org/x/mod/sumdb/tlog`]).status === 0;
if (!goAvailable) {
  if (process.env.CI === 'true')
    throw new Error('CI needs Go and golang.org/x/mod (apt-get install golang-go golang-golang-x-mod-dev)');
  console.warn('skipping the Go interop test: install golang-go and golang-golang-x-mod-dev to run it');
}

function goVerify(input: unknown): { status: number | null; output: string } {
  const result = spawnSync('go', ['run', './interop/go-verify'], {
    cwd: ROOT,
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(tmpdir(), 'auditledge-gocache'), GOFLAGS: '' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(!goAvailable)('golang.org/x/mod/sumdb verifies our logs', () => {
  let t: TestApp;
  const ORG = 'org_interop';
  const checkpoints: string[] = [];
  const get = async (url: string) => (await t.request({ method: 'GET', url, key: t.adminKey })).body;

  beforeAll(async () => {
    t = await createTestApp({ dataDir: mkdtempSync(join(tmpdir(), 'auditledge-interop-')) });
    for (const count of [1, 2, 4, 6, 20]) {
      const events = Array.from({ length: count }, (_, i) => ({
        ...SEED_EVENT,
        organization_id: ORG,
        actor: { id: `u${i}` },
      }));
      await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: { events } });
      await t.app.auditledge.checkpointer.signGrownLogs();
      checkpoints.push(await get(`/v1/logs/${ORG}/checkpoint`));
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function collect() {
    const key = t.app.auditledge.signingKey.verifierKey;
    const inclusion = [];
    for (const note of checkpoints) {
      const { size } = openCheckpoint(note, key);
      for (let index = 0; index < size; index++) {
        const p = JSON.parse(await get(`/v1/logs/${ORG}/proofs/inclusion?index=${index}&tree_size=${size}`));
        inclusion.push({ checkpoint: note, index, leaf_hash: p.leaf_hash, proof: p.proof });
      }
    }
    const consistency = [];
    for (let i = 0; i + 1 < checkpoints.length; i++) {
      const from = openCheckpoint(checkpoints[i] as string, key).size;
      const to = openCheckpoint(checkpoints[i + 1] as string, key).size;
      const p = JSON.parse(await get(`/v1/logs/${ORG}/proofs/consistency?from=${from}&to=${to}`));
      consistency.push({ from_checkpoint: checkpoints[i], to_checkpoint: checkpoints[i + 1], proof: p.proof });
    }
    return { verifier_key: key, checkpoints, inclusion, consistency };
  }

  it('accepts every checkpoint signature, inclusion proof and consistency proof', async () => {
    const input = await collect();
    const { status, output } = goVerify(input);
    expect(output).toMatch(/^OK: 5 checkpoints, 57 inclusion proofs, 4 consistency proofs/);
    expect(status).toBe(0);
  });

  it('rejects a proof with one hash replaced, and a checkpoint under another key', async () => {
    const input = await collect();
    const bad = structuredClone(input);
    const target = bad.inclusion[40] as { proof: string[] };
    target.proof[0] = Buffer.alloc(32, 7).toString('base64');
    expect(goVerify(bad).status).toBe(1);
    const otherKey = structuredClone(input);
    otherKey.verifier_key = verifierKeyFor(generateSignerKey('auditledge.local'));
    const rejected = goVerify(otherKey);
    expect(rejected.status).toBe(1);
    expect(rejected.output).toMatch(/checkpoint signature/);
  });
});
