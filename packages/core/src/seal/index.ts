export { type Commitment, commitment, isCommitment, SALT_BYTES } from './commitment.js';
export { DEFAULT_PERSONAL_FIELDS, validatePersonalFields } from './personal.js';
export {
  type Disclosure,
  type Disclosures,
  SEALED_EVENT_FORMAT,
  type SealResult,
  sealEvent,
  storedEventFields,
  type UnsealResult,
  unsealEvent,
  verifyDisclosures,
} from './seal.js';
