/** Why a note, key or checkpoint was refused. */
export type NoteErrorCode =
  /** Not a well-formed signed note, checkpoint body or note text. */
  | 'malformed'
  /** A signer or verifier key string that does not parse, or whose key ID does not match. */
  | 'invalid_key'
  /** No signature in the note is by a key the caller trusts. */
  | 'unknown_key'
  /** A signature by a trusted key does not verify: the text or the signature was altered. */
  | 'bad_signature'
  /** Two different trusted keys share a name and key ID, so a signature cannot be attributed. */
  | 'ambiguous_key'
  /** A checkpoint verified, but for another log than the one expected. */
  | 'origin_mismatch';

/** The one error class of the note module; branch on `code`, show `message`. */
export class NoteError extends Error {
  readonly code: NoteErrorCode;

  constructor(code: NoteErrorCode, message: string) {
    super(message);
    this.name = 'NoteError';
    this.code = code;
  }
}
