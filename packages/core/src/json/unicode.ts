// String checks shared by validation and canonicalization. They run on every string of every
// ingested event, so they are plain loops or native calls, never backtracking regexes.

type WellFormedCheck = (s: string) => boolean;

const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
// In a `u` regex a valid surrogate pair is one code point, so \p{Surrogate} only matches lone halves.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Whether `s` is valid Unicode (no lone UTF-16 surrogates), so it survives UTF-8 and hashing intact. */
export const isWellFormed: WellFormedCheck =
  typeof nativeIsWellFormed === 'function' ? (s) => nativeIsWellFormed.call(s) : (s) => !LONE_SURROGATE.test(s);

/** The lone-surrogate check without the native fast path (exported for tests of older runtimes). */
export function isWellFormedFallback(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Whether `s` contains a C0 control (U+0000–U+001F), DEL (U+007F) or a C1 control (U+0080–U+009F). */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Length in bytes of `s` encoded as UTF-8, without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      // A valid pair is 2 UTF-16 units and 4 UTF-8 bytes.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}
