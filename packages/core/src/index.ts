export { randomBytes, sha256 } from '#crypto';
