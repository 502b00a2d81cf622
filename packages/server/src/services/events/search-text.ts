// The words free-text search finds an event by. Personal values are included while they exist and
// removed from the index when they are erased.

/** The parts of an event that are indexed (a normalized or an unsealed event). */
export interface SearchableEvent {
  actor: { id: string; type?: string | undefined; name?: unknown; email?: unknown };
  action: string;
  resource?: { type: string; id: string; name?: unknown } | undefined;
  targets?: { type: string; id: string; name?: unknown }[] | undefined;
  metadata?: unknown;
}

const MAX_SEARCH_TEXT = 8192;

/** The words free-text search finds an event by: who, what, on what, and metadata values. */
export function searchText(event: SearchableEvent): string {
  const parts: string[] = [event.actor.id, event.action, event.action.replaceAll('.', ' ')];
  const push = (value: unknown) => {
    if (typeof value === 'string') parts.push(value);
    else if (typeof value === 'number' || typeof value === 'boolean') parts.push(String(value));
  };
  push(event.actor.name);
  push(event.actor.email);
  push(event.actor.type);
  if (event.resource) {
    push(event.resource.type);
    push(event.resource.id);
    push(event.resource.name);
  }
  for (const target of event.targets ?? []) {
    push(target.type);
    push(target.id);
    push(target.name);
  }
  collectValues(event.metadata, push, 0);
  const text = parts.join(' ');
  return text.length > MAX_SEARCH_TEXT ? text.slice(0, MAX_SEARCH_TEXT) : text;
}

function collectValues(value: unknown, push: (value: unknown) => void, depth: number): void {
  if (depth > 8 || value === null || typeof value !== 'object') {
    push(value);
    return;
  }
  for (const child of Array.isArray(value) ? value : Object.values(value)) collectValues(child, push, depth + 1);
}
