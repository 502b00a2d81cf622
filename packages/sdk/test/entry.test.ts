// The main entry must load in browsers: no module reachable from dist/index.js may import a Node
// built-in (those belong to `@auditledge/sdk/node`). Checked on the built output that ships.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string);
}

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const specifiers = importsOf(file);
    seen.set(file, specifiers);
    for (const specifier of specifiers) if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
  };
  visit(join(DIST, entry));
  return seen;
}

describe('entry points', () => {
  it('the main entry imports nothing from Node; only @auditledge/core outside itself', () => {
    const graph = reachable('index.js');
    expect(graph.size).toBeGreaterThan(5);
    const external = [...graph.values()].flat().filter((s) => !s.startsWith('.'));
    expect(new Set(external)).toEqual(new Set(['@auditledge/core']));
  });

  it('the node entry adds AsyncLocalStorage', () => {
    const external = [...reachable('node.js').values()].flat().filter((s) => !s.startsWith('.'));
    expect(new Set(external)).toEqual(new Set(['@auditledge/core', 'node:async_hooks']));
  });
});
