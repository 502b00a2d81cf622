// The disclosures column: per personal-field path either the value and its salt, or, once erased,
// a tombstone `{ erased_at }`. Keeping the tombstone records which leaf commitments stand for an
// erased value, so an event never has to be guessed at from the shape of its leaf.
import type { Disclosures } from '@auditledge/core';

export interface ErasedDisclosure {
  erased_at: string;
}
export type StoredDisclosures = Record<string, Disclosures[string] | ErasedDisclosure>;

export function parseStoredDisclosures(json: string): { disclosures: Disclosures; paths: string[] } {
  const stored = JSON.parse(json) as StoredDisclosures;
  const disclosures: Disclosures = {};
  for (const [path, entry] of Object.entries(stored)) if ('salt' in entry) disclosures[path] = entry;
  return { disclosures, paths: Object.keys(stored) };
}

/** Replaces every disclosed value with a tombstone; returns the new JSON and how many were erased. */
export function eraseStoredDisclosures(json: string, at: string): { json: string; erased: number } {
  const stored = JSON.parse(json) as StoredDisclosures;
  let erased = 0;
  for (const [path, entry] of Object.entries(stored)) {
    if ('salt' in entry) {
      stored[path] = { erased_at: at };
      erased += 1;
    }
  }
  return { json: JSON.stringify(stored), erased };
}
