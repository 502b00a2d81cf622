// Console pages beside the explorer: organizations, API keys, viewer links, integrity.
import { type BundleVerdict, BundleVerifier, openCheckpoint } from '@auditledge/core';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api';

export interface Organization {
  organization_id: string;
  event_count: number;
}

export function OrganizationsPage({
  organizations,
  onOpen,
  onRefresh,
}: {
  organizations: Organization[] | null;
  onOpen: (id: string) => void;
  onRefresh: () => void;
}) {
  return (
    <section aria-labelledby="orgs-title">
      <div class="toolbar">
        <h1 id="orgs-title">Organizations</h1>
        <span class="spacer" />
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {organizations === null ? (
        <p class="hint">Loading…</p>
      ) : organizations.length === 0 ? (
        <div class="notice empty">No organization has events yet.</div>
      ) : (
        <table class="events">
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Events</th>
              <th scope="col">
                <span class="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {organizations.map((org) => (
              <tr key={org.organization_id}>
                <td>
                  <code>{org.organization_id}</code>
                </td>
                <td>{org.event_count.toLocaleString()}</td>
                <td>
                  <button type="button" onClick={() => onOpen(org.organization_id)}>
                    Open events
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  organization_id: string | null;
  created_at: string;
  revoked_at: string | null;
}

export function ApiKeysPage({ api }: { api: Api }) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['events:write']);
  const [org, setOrg] = useState('');

  const refresh = () =>
    api
      .get<{ data: ApiKey[] }>('/v1/api-keys')
      .then(({ data }) => setKeys(data))
      .catch((failure: Error) => setError(failure.message));
  useEffect(() => {
    void refresh();
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const created = await api.json<ApiKey & { secret: string }>('POST', '/v1/api-keys', {
        body: { name: name || 'unnamed key', scopes, ...(org && { organization_id: org }) },
      });
      setSecret({ name: created.name, secret: created.secret });
      setName('');
      void refresh();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const revoke = async (key: ApiKey) => {
    if (!confirm(`Revoke "${key.name}" (${key.id})? Clients using it stop working at once.`)) return;
    try {
      await api.request('DELETE', `/v1/api-keys/${encodeURIComponent(key.id)}`);
      void refresh();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  const toggle = (scope: string) =>
    setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <form class="card" onSubmit={create} aria-label="Create an API key">
        <label>
          <span class="label">Name</span>
          <input name="name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {['events:write', 'events:read', 'admin'].map((scope) => (
            <label key={scope} class="inline">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scope}
            </label>
          ))}
        </fieldset>
        <label>
          <span class="label">Limit to organization (optional)</span>
          <input
            name="organization_id"
            value={org}
            onInput={(e) => setOrg((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      {secret && (
        <div class="notice success" role="status">
          <p>
            <strong>Copy the secret of “{secret.name}” now</strong>: it is shown once and never stored.
          </p>
          <input
            class="secret"
            readOnly
            value={secret.secret}
            aria-label="New API key secret"
            onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
          />
          <button type="button" onClick={() => setSecret(null)}>
            I have saved it
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {keys && (
        <table class="events">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Scopes</th>
              <th scope="col">Organization</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.id}</code>
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td>{key.organization_id ?? 'all'}</td>
                <td>{new Date(key.created_at).toLocaleString()}</td>
                <td>
                  {key.revoked_at ? (
                    `revoked ${new Date(key.revoked_at).toLocaleString()}`
                  ) : (
                    <button type="button" onClick={() => revoke(key)} aria-label={`Revoke ${key.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface MintedLink {
  token: string;
  url: string;
  expires_at: string;
  organization_id: string;
}

export function ViewerLinkPage({ api, organizationId }: { api: Api; organizationId: string }) {
  const [org, setOrg] = useState(organizationId);
  const [ttl, setTtl] = useState('900');
  const [link, setLink] = useState<MintedLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mint = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setLink(
        await api.json<MintedLink>('POST', '/v1/viewer-tokens', {
          body: { organization_id: org, ttl_seconds: Number(ttl) },
        }),
      );
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const origin = link ? new URL(link.url).origin : '';
  return (
    <section aria-labelledby="viewer-title">
      <h1 id="viewer-title">Viewer links</h1>
      <p class="hint">
        A viewer link opens one organization's audit log, read-only, for a short time. Your backend mints them with{' '}
        <code>POST /v1/viewer-tokens</code>; this page mints one by hand.
      </p>
      <form class="card" onSubmit={mint} aria-label="Mint a viewer link">
        <label>
          <span class="label">Organization</span>
          <input
            name="viewer_org"
            required
            value={org}
            onInput={(e) => setOrg((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span class="label">Valid for</span>
          <select name="ttl" value={ttl} onChange={(e) => setTtl((e.currentTarget as HTMLSelectElement).value)}>
            <option value="900">15 minutes</option>
            <option value="3600">1 hour</option>
            <option value="86400">24 hours</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Mint viewer link
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {link && (
        <div class="card">
          <p>
            Valid until {new Date(link.expires_at).toLocaleString()} for <code>{link.organization_id}</code>.
          </p>
          <label>
            <span class="label">Viewer URL</span>
            <input
              class="secret"
              name="viewer_url"
              readOnly
              value={link.url}
              onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
            />
          </label>
          <p>
            <a href={link.url} target="_blank" rel="noopener noreferrer">
              Open the viewer
            </a>
          </p>
          <p class="label">Embed as an iframe (allow your origin with AUDITLEDGE_FRAME_ANCESTORS):</p>
          <pre class="json">{`<iframe title="Audit log" src="${link.url}" style="width:100%;height:640px;border:0"></iframe>`}</pre>
          <p class="label">Or as a web component:</p>
          <pre class="json">{`<script type="module" src="${origin}/auditledge-viewer.js"></script>\n<auditledge-viewer base-url="${origin}" token="${link.token}"></auditledge-viewer>`}</pre>
        </div>
      )}
    </section>
  );
}

type Verification =
  | { state: 'idle' }
  | { state: 'running'; events: number; treeSize: number | null }
  | { state: 'done'; verdict: BundleVerdict }
  | { state: 'error'; message: string };

export function IntegrityPage({
  api,
  organizationId,
  verifierKey,
}: {
  api: Api;
  organizationId: string;
  verifierKey: string | null;
}) {
  const [checkpoint, setCheckpoint] = useState<{ text: string; summary: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<Verification>({ state: 'idle' });

  useEffect(() => {
    setCheckpoint(null);
    setRun({ state: 'idle' });
    if (!organizationId) return;
    api
      .text(`/v1/logs/${encodeURIComponent(organizationId)}/checkpoint`)
      .then((text) => {
        let summary = 'signature not checked (no verifier key)';
        if (verifierKey) {
          try {
            const opened = openCheckpoint(text, verifierKey);
            summary = `signature verified: ${opened.size} events, origin ${opened.origin}`;
          } catch (failure) {
            summary = `signature FAILED: ${(failure as Error).message}`;
          }
        }
        setCheckpoint({ text, summary });
        setError(null);
      })
      .catch((failure: Error) => setError(failure.message));
  }, [api, organizationId, verifierKey]);

  const verify = async () => {
    if (!verifierKey) return;
    setRun({ state: 'running', events: 0, treeSize: null });
    try {
      const response = await api.request('GET', '/v1/exports/events', {
        params: { format: 'bundle', organization_id: organizationId },
      });
      const verifier = new BundleVerifier(verifierKey, { organizationId });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let last = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        verifier.pushText(decoder.decode(value, { stream: true }));
        const progress = verifier.progress;
        if (progress.events - last >= 500) {
          last = progress.events;
          setRun({ state: 'running', events: progress.events, treeSize: progress.treeSize });
        }
      }
      verifier.pushText(decoder.decode());
      setRun({ state: 'done', verdict: verifier.finish() });
    } catch (failure) {
      setRun({ state: 'error', message: (failure as Error).message });
    }
  };

  return (
    <section aria-labelledby="integrity-title">
      <h1 id="integrity-title">Integrity</h1>
      <h2>Verifier key</h2>
      <p class="hint">
        Pin this key wherever you verify (auditledge verify --key, the SDKs). It never changes unless you rotate the
        signing key.
      </p>
      <pre class="json" data-testid="verifier-key">
        {verifierKey ?? 'unavailable'}
      </pre>
      <h2>Latest checkpoint of {organizationId || '—'}</h2>
      {error && <p class="error">{error}</p>}
      {checkpoint && (
        <>
          <p class="hint">{checkpoint.summary}</p>
          <pre class="json">{checkpoint.text}</pre>
        </>
      )}
      <h2>Verify this log</h2>
      <p class="hint">Downloads the complete signed bundle and checks every event's proof here, in your browser.</p>
      <button
        type="button"
        class="primary"
        onClick={verify}
        disabled={!organizationId || !verifierKey || run.state === 'running'}
      >
        Verify this log
      </button>
      <p
        role="status"
        class="verify-result"
        data-state={run.state === 'done' ? (run.verdict.ok ? 'ok' : 'failed') : run.state}
      >
        {run.state === 'running' && `Verifying… ${run.events}${run.treeSize ? ` of ${run.treeSize}` : ''} events`}
        {run.state === 'done' &&
          (run.verdict.ok
            ? `✔ Verified ${run.verdict.events} events against the signed checkpoint of size ${run.verdict.treeSize}${run.verdict.complete ? ' — the log is complete' : ''}.`
            : `✖ Verification failed at line ${run.verdict.error.line}: ${run.verdict.error.message}`)}
        {run.state === 'error' && `Could not verify: ${run.message}`}
      </p>
    </section>
  );
}
