// The export bundle `auditledge.bundle/1` (JSON Lines: header, events with proofs, trailer): the
// helpers the server writes it with, and the streaming verifier the CLI and the viewer check it with.
export {
  BUNDLE_FORMAT,
  type BundleConsistency,
  type BundleEventInput,
  type BundleEventLine,
  type BundleHeader,
  type BundleHeaderInput,
  type BundleLeafLine,
  type BundlePrunedLine,
  type BundleTrailer,
  bundleEventLine,
  bundleHeader,
  bundleTrailer,
  encodeBundleLine,
  type ProofInput,
} from './format.js';
export {
  type BundleFailure,
  type BundleFailureCode,
  type BundleProgress,
  type BundleVerdict,
  BundleVerifier,
  type BundleVerifierOptions,
  MAX_BUNDLE_LINE_LENGTH,
  type VerifiedBundleEvent,
  verifyBundle,
} from './verify.js';
export { type BundleEventView, verifiedEventView } from './view.js';
