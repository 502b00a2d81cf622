// @auditledge/core: pure logic shared by the server, the SDK and the browser viewer. No I/O.
export { randomBytes, sha256 } from '#crypto';
export * from './bundle/index.js';
export * from './errors.js';
export * from './event/index.js';
export * from './json/index.js';
export * from './merkle/index.js';
export * from './note/index.js';
export * from './query/index.js';
export * from './seal/index.js';
