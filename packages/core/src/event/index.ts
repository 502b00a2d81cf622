export { actionProblem, isValidAction, suggestAction } from './action.js';
export { actionFamily, nearDuplicateActions, pastTenseVerb, singularNoun } from './action-family.js';
export { SEED_EVENT_JSON, seedEvent } from './fixtures.js';
export { BATCH_LIMITS, EVENT_LIMITS, FORBIDDEN_KEYS } from './limits.js';
export { joinIndex, joinKey } from './path.js';
export { closestMatch } from './suggest.js';
export { formatTimestamp, type InstantResult, parseDate, parseTimestamp } from './timestamp.js';
export type {
  EventActor,
  EventChange,
  EventInput,
  EventOutcome,
  EventResource,
  EventTarget,
  NormalizedActor,
  NormalizedChange,
  NormalizedEvent,
  NormalizedResource,
  StoredEventFields,
} from './types.js';
export {
  isIdempotencyKey,
  parseEvent,
  type ValidateEventOptions,
  type ValidateEventResult,
  validateEvent,
} from './validate.js';
