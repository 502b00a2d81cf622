// The events explorer shared by the console and the viewer: query-language search box, filter
// chips, date range, activity chart, keyset-paged infinite table, event drawer with a proof badge.
import { parseQuery } from '@auditledge/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Api, downloadResponse, type EventPage, type EventProof, type EventView } from './api';
import { ActivityChart } from './chart';
import { type Verdict, verifyEventProof } from './verify';

export interface ExplorerProps {
  api: Api;
  organizationId: string;
  /** The pinned verifier key; null while unknown (the badge then says "not checked"). */
  verifierKey: string | null;
  initialQuery?: string;
}

interface Filters {
  q: string;
  actor: string;
  action: string;
  resource: string;
  outcome: '' | 'success' | 'failure';
  from: string;
  to: string;
}

const EMPTY: Filters = { q: '', actor: '', action: '', resource: '', outcome: '', from: '', to: '' };
const PAGE_SIZE = 50;

function quoteTerm(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : value;
}

/** The whole filter as one query-language string plus API time bounds. */
export function filterQuery(filters: Filters): { q: string; since?: string; until?: string } {
  const terms = [filters.q.trim()];
  if (filters.actor.trim()) terms.push(`actor:${quoteTerm(filters.actor.trim())}`);
  if (filters.action.trim()) terms.push(`action:${quoteTerm(filters.action.trim())}`);
  if (filters.resource.trim()) terms.push(`resource:${quoteTerm(filters.resource.trim())}`);
  if (filters.outcome) terms.push(`outcome:${filters.outcome}`);
  const result: { q: string; since?: string; until?: string } = { q: terms.filter(Boolean).join(' ') };
  // Date inputs are local days: from the start of `from` to the end of `to`, in the viewer's zone.
  if (filters.from) result.since = new Date(`${filters.from}T00:00:00`).toISOString();
  if (filters.to) {
    const end = new Date(`${filters.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    result.until = end.toISOString();
  }
  return result;
}

export function formatLocal(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function actorLabel(event: EventView): string {
  const { name, email, id } = event.actor;
  if (typeof name === 'string' && typeof email === 'string') return `${name} <${email}>`;
  return String(name ?? email ?? id);
}

function resourceLabel(event: EventView): string {
  if (!event.resource) return '—';
  const { type, id, name } = event.resource;
  return name ? `${name} (${type}/${id})` : `${type}/${id}`;
}

function ipOf(event: EventView): string {
  const ip = event.metadata?.ip;
  return typeof ip === 'string' ? ip : '—';
}

type LoadState = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string };

export function Explorer({ api, organizationId, verifierKey, initialQuery = '' }: ExplorerProps) {
  const [draft, setDraft] = useState<Filters>({ ...EMPTY, q: initialQuery });
  const [applied, setApplied] = useState<Filters>({ ...EMPTY, q: initialQuery });
  const [rows, setRows] = useState<EventView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [queryError, setQueryError] = useState<string | null>(null);
  const [selected, setSelected] = useState<EventView | null>(null);
  const [exportNote, setExportNote] = useState<string | null>(null);
  const generation = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);
  const query = useMemo(() => filterQuery(applied), [applied]);

  const load = useCallback(
    async (after: string | null) => {
      const run = generation.current;
      setState({ kind: 'loading' });
      try {
        const page = await api.get<EventPage>('/v1/events', {
          organization_id: organizationId,
          ...query,
          limit: PAGE_SIZE,
          cursor: after,
        });
        if (run !== generation.current) return;
        setRows((previous) => (after === null ? page.data : [...previous, ...page.data]));
        setCursor(page.next_cursor);
        setState({ kind: 'idle' });
        if (after === null) performance.mark('auditledge:first-page');
      } catch (error) {
        if (run !== generation.current) return;
        setState({ kind: 'error', message: (error as Error).message });
      }
    },
    [api, organizationId, query],
  );

  useEffect(() => {
    generation.current += 1;
    setRows([]);
    setCursor(null);
    void load(null);
  }, [load]);

  // Keyset infinite scroll: fetch the next page when the sentinel below the table shows.
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !cursor || state.kind !== 'idle') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void load(cursor);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [cursor, state.kind, load]);

  const submit = (event: Event) => {
    event.preventDefault();
    const parsed = parseQuery(filterQuery(draft).q);
    if (!parsed.ok) {
      setQueryError(parsed.issues.map((issue) => issue.message).join('; '));
      return;
    }
    setQueryError(null);
    setApplied({ ...draft });
  };

  const clear = () => {
    setDraft(EMPTY);
    setApplied(EMPTY);
    setQueryError(null);
  };

  const exportAs = async (format: 'csv' | 'jsonl') => {
    setExportNote(`Preparing ${format.toUpperCase()}…`);
    try {
      const response = await api.request('GET', '/v1/exports/events', {
        params: { format, organization_id: organizationId, ...query },
      });
      const name = await downloadResponse(response, `auditledge-export.${format}`);
      setExportNote(`Downloaded ${name}`);
    } catch (error) {
      setExportNote(`Export failed: ${(error as Error).message}`);
    }
  };

  const field = (key: keyof Filters) => ({
    value: draft[key],
    onInput: (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value }),
  });
  const filtered = applied.q !== '' || query.q !== '' || query.since !== undefined || query.until !== undefined;

  return (
    <section class="explorer" aria-label="Events explorer">
      <form class="filters" onSubmit={submit} aria-label="Search events">
        <div class="searchrow">
          <label class="grow">
            <span class="label">Search</span>
            <input
              type="search"
              name="q"
              placeholder='actor:alice@acme.com action:invoice.* after:2026-05-01 "free text"'
              autocomplete="off"
              spellcheck={false}
              aria-describedby="query-help"
              aria-invalid={queryError !== null}
              {...field('q')}
            />
          </label>
          <button type="submit" class="primary">
            Search
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
        <p id="query-help" class={queryError ? 'error' : 'hint'} role={queryError ? 'alert' : undefined}>
          {queryError ??
            'Keys: actor, action (invoice.*), resource (type/id), outcome, after, before; "-" negates; quotes for phrases.'}
        </p>
        <div class="chips">
          <label>
            <span class="label">Actor</span>
            <input name="actor" placeholder="id or email" {...field('actor')} />
          </label>
          <label>
            <span class="label">Action</span>
            <input name="action" placeholder="invoice.*" {...field('action')} />
          </label>
          <label>
            <span class="label">Resource</span>
            <input name="resource" placeholder="invoice/inv_789" {...field('resource')} />
          </label>
          <label>
            <span class="label">Outcome</span>
            <select name="outcome" {...field('outcome')} onChange={field('outcome').onInput}>
              <option value="">any</option>
              <option value="success">success</option>
              <option value="failure">failure</option>
            </select>
          </label>
          <label>
            <span class="label">From</span>
            <input type="date" name="from" {...field('from')} onChange={field('from').onInput} />
          </label>
          <label>
            <span class="label">To</span>
            <input type="date" name="to" {...field('to')} onChange={field('to').onInput} />
          </label>
        </div>
      </form>

      <div class="toolbar">
        <span aria-live="polite" class="count">
          {rows.length} event{rows.length === 1 ? '' : 's'} shown{cursor ? ', more below' : ''}
        </span>
        <span class="spacer" />
        <button type="button" onClick={() => exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => exportAs('jsonl')}>
          Export JSONL
        </button>
      </div>
      {exportNote && (
        <p class="hint" role="status">
          {exportNote}
        </p>
      )}

      <ActivityChart events={rows} since={query.since} until={query.until} />

      {state.kind === 'error' && (
        <div class="notice error" role="alert">
          <strong>Could not load events.</strong> {state.message} Check the search, then try again.{' '}
          <button type="button" onClick={() => load(rows.length === 0 ? null : cursor)}>
            Retry
          </button>
        </div>
      )}
      {state.kind === 'idle' && rows.length === 0 && (
        <div class="notice empty">
          {filtered
            ? 'No events match this search. Widen the date range or remove a filter.'
            : 'No events yet. Send one with POST /v1/events and it appears here.'}
        </div>
      )}

      {rows.length > 0 && (
        <div class="tablewrap">
          <table class="events">
            <caption class="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col" class="wide">
                  Resource
                </th>
                <th scope="col">Outcome</th>
                <th scope="col" class="wide">
                  IP
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((event) => (
                <tr key={event.id} data-event-id={event.id} onClick={() => setSelected(event)}>
                  <td>
                    <button
                      type="button"
                      class="linklike"
                      title={`${event.timestamp} (UTC)`}
                      onClick={() => setSelected(event)}
                    >
                      <time dateTime={event.timestamp}>{formatLocal(event.timestamp)}</time>
                    </button>
                  </td>
                  <td>{actorLabel(event)}</td>
                  <td>
                    <code>{event.action}</code>
                  </td>
                  <td class="wide">{resourceLabel(event)}</td>
                  <td>
                    <span class={`outcome ${event.outcome}`}>{event.outcome}</span>
                  </td>
                  <td class="wide">{ipOf(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div ref={sentinel} class="sentinel" />
      {state.kind === 'loading' && (
        <p class="hint" role="status">
          Loading events…
        </p>
      )}
      {cursor && state.kind === 'idle' && (
        <button type="button" class="more" onClick={() => load(cursor)}>
          Load more
        </button>
      )}

      {selected && (
        <EventDrawer api={api} event={selected} verifierKey={verifierKey} onClose={() => setSelected(null)} />
      )}
    </section>
  );
}

interface DrawerProps {
  api: Api;
  event: EventView;
  verifierKey: string | null;
  onClose: () => void;
}

export function EventDrawer({ api, event, verifierKey, onClose }: DrawerProps) {
  const [verdict, setVerdict] = useState<Verdict | { state: 'checking' }>({ state: 'checking' });
  const [proof, setProof] = useState<EventProof | null>(null);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    setVerdict({ state: 'checking' });
    api
      .get<EventView & { proof: EventProof }>(`/v1/events/${encodeURIComponent(event.id)}`, { proof: 'true' })
      .then((withProof) => {
        if (!live) return;
        setProof(withProof.proof);
        setVerdict(verifyEventProof(withProof, withProof.proof, verifierKey));
      })
      .catch((error: Error) => live && setVerdict({ state: 'unchecked', reason: error.message }));
    return () => {
      live = false;
    };
  }, [api, event.id, verifierKey]);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    panel.current?.focus();
    const onKey = (keyEvent: KeyboardEvent) => keyEvent.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, [onClose]);

  // Show the signed leaf's content once verified: what the badge vouches for is what is displayed.
  const shown = (verdict.state === 'verified' ? verdict.event : event) as unknown as EventView;
  return (
    <div class="backdrop">
      <button type="button" class="scrim" tabIndex={-1} aria-hidden="true" onClick={onClose} />
      <aside class="drawer" role="dialog" aria-modal="true" aria-labelledby="drawer-title" tabIndex={-1} ref={panel}>
        <header class="drawerhead">
          <h2 id="drawer-title">
            <code>{shown.action}</code>
          </h2>
          <button type="button" onClick={onClose} aria-label="Close event details">
            ✕
          </button>
        </header>
        <Badge verdict={verdict} />
        <dl class="facts">
          <dt>When</dt>
          <dd title={`${shown.timestamp} UTC`}>
            {formatLocal(shown.timestamp)} <span class="muted">({shown.timestamp})</span>
          </dd>
          <dt>Who</dt>
          <dd>
            {actorLabel(shown)} <span class="muted">{shown.actor.id}</span>
          </dd>
          <dt>What</dt>
          <dd>
            <code>{shown.action}</code> on {resourceLabel(shown)} —{' '}
            <span class={`outcome ${shown.outcome}`}>{shown.outcome}</span>
          </dd>
          <dt>Where</dt>
          <dd>
            {ipOf(shown)}
            {typeof shown.metadata?.user_agent === 'string' && (
              <span class="muted"> · {shown.metadata.user_agent}</span>
            )}
          </dd>
          <dt>Event</dt>
          <dd>
            <code>{event.id}</code> · #{event.sequence}
          </dd>
        </dl>
        {shown.changes && Object.keys(shown.changes).length > 0 && <ChangesDiff changes={shown.changes} />}
        <details>
          <summary>Full event (JSON)</summary>
          <pre class="json">{JSON.stringify(shown, null, 2)}</pre>
        </details>
        {proof && (
          <details>
            <summary>Inclusion proof</summary>
            <p>
              Leaf {proof.leaf_index} of {proof.tree_size}; {proof.inclusion.length} hashes.
            </p>
            <pre class="json">{proof.checkpoint}</pre>
          </details>
        )}
      </aside>
    </div>
  );
}

function Badge({ verdict }: { verdict: Verdict | { state: 'checking' } }) {
  const text =
    verdict.state === 'verified'
      ? `Verified — included in the signed log of ${verdict.treeSize} events`
      : verdict.state === 'failed'
        ? `Failed — ${verdict.reason}`
        : verdict.state === 'checking'
          ? 'Checking the proof…'
          : `Not checked — ${verdict.reason}`;
  return (
    <p class={`badge ${verdict.state}`} role="status" data-verdict={verdict.state}>
      <span aria-hidden="true">{verdict.state === 'verified' ? '✔' : verdict.state === 'failed' ? '✖' : '…'}</span>{' '}
      {text}
    </p>
  );
}

function show(value: unknown): string {
  return value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
}

function ChangesDiff({ changes }: { changes: Record<string, { before?: unknown; after?: unknown }> }) {
  return (
    <table class="diff">
      <caption>Changes</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(changes).map(([name, change]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>
              <del>{show(change.before)}</del>
            </td>
            <td>
              <ins>{show(change.after)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
