// @auditledge/sdk: the client for Node and browsers. Browser-safe: no Node built-ins here (request
// context with AsyncLocalStorage lives in `@auditledge/sdk/node`).
export { type CheckpointStore, MemoryCheckpointStore } from './checkpoint-store.js';
export { AuditLedge, type AuditLedgeOptions, DEFAULT_BASE_URL } from './client.js';
export {
  AuditLedgeError,
  type AuditLedgeErrorCode,
  AuditLedgeHttpError,
  AuditLedgeQueueFullError,
  AuditLedgeValidationError,
  type FieldIssue,
  type Problem,
} from './errors.js';
export type { FetchLike } from './http.js';
export type { EventQuery } from './query.js';
export type { RetryOptions } from './retry.js';
export type {
  AuditEvent,
  EventActor,
  EventChange,
  EventFilters,
  EventInput,
  EventOutcome,
  EventPage,
  EventProof,
  EventReceipt,
  EventResource,
  EventTarget,
  RequestContext,
} from './types.js';
export type {
  ConsistencyVerification,
  EventVerification,
  VerificationFailure,
  VerificationFailureCode,
  VerifiedCheckpoint,
} from './verify.js';
