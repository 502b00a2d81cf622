export { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from './base64.js';
export { CanonicalizationError, canonicalBytes, canonicalize } from './canonical.js';
export type { JsonObject, JsonValue } from './types.js';
export { hasControlCharacter, isWellFormed, utf8Length } from './unicode.js';
