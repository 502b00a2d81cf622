export {
  actionMatches,
  type EventFilter,
  emptyFilter,
  eventMatchesFilter,
  type FilterableEvent,
  type FilterClause,
  filterMatchesNothing,
  mergeFilters,
  type ResourceRef,
  searchableText,
} from './filter.js';
export { FILTER_PARAMS, type FilterFromParamsResult, filterFromParams } from './params.js';
export { type ParseQueryResult, parseQuery, QUERY_LIMITS } from './parse.js';
