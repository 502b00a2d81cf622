// C2SP signed-note and tlog-checkpoint with Ed25519, interoperable with golang.org/x/mod/sumdb/note.
export {
  type Checkpoint,
  formatCheckpoint,
  type OpenedCheckpoint,
  openCheckpoint,
  type ParsedCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
export { NoteError, type NoteErrorCode } from './errors.js';
export {
  ed25519KeyId,
  generateSignerKey,
  isValidKeyName,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyFor,
} from './keys.js';
export { type OpenedNote, openNote, signNote, type VerifierKeys } from './note.js';
