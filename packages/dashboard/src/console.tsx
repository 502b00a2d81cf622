// The operator console (/): sign in with an admin API key (exchanged for an httpOnly,
// SameSite=Strict session cookie; the page keeps only the CSRF token, in memory), then
// organizations, the events explorer, API keys, viewer links and the integrity page.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError } from './api';
import { ApiKeysPage, IntegrityPage, type Organization, OrganizationsPage, ViewerLinkPage } from './console-pages';
import { Explorer } from './explorer';
import './styles.css';

type Page = 'explorer' | 'organizations' | 'keys' | 'viewer' | 'integrity';
const PAGES: { id: Page; label: string }[] = [
  { id: 'explorer', label: 'Events' },
  { id: 'organizations', label: 'Organizations' },
  { id: 'keys', label: 'API keys' },
  { id: 'viewer', label: 'Viewer links' },
  { id: 'integrity', label: 'Integrity' },
];

interface SessionInfo {
  csrf_token: string;
  key_id: string;
  organization_id: string | null;
}

function Console() {
  const api = useMemo(() => new Api(''), []);
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [page, setPage] = useState<Page>('explorer');
  const [organizations, setOrganizations] = useState<Organization[] | null>(null);
  const [organization, setOrganization] = useState<string>('');
  const [verifierKey, setVerifierKey] = useState<string | null>(null);
  const [orgError, setOrgError] = useState<string | null>(null);

  useEffect(() => {
    api
      .get<SessionInfo>('/v1/console/session')
      .then((info) => {
        api.auth = { csrf: info.csrf_token };
        setSession(info);
      })
      .catch(() => setSession(null));
    api.text('/v1/verifier-key').then(
      (key) => setVerifierKey(key.trim()),
      () => setVerifierKey(null),
    );
  }, [api]);

  const refreshOrganizations = () =>
    api
      .get<{ data: Organization[] }>('/v1/organizations')
      .then(({ data }) => {
        setOrganizations(data);
        setOrgError(null);
        setOrganization((current) => current || data[0]?.organization_id || '');
      })
      .catch((error: Error) => setOrgError(error.message));

  useEffect(() => {
    if (session) void refreshOrganizations();
  }, [session]);

  if (session === undefined) return <p class="hint page">Loading…</p>;
  if (session === null) {
    return (
      <SignIn
        api={api}
        onSignedIn={(info) => {
          api.auth = { csrf: info.csrf_token };
          setSession(info);
        }}
      />
    );
  }

  const signOut = async () => {
    await api.request('DELETE', '/v1/console/session').catch(() => undefined);
    api.auth = {};
    setSession(null);
  };

  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Auditledge</span>
        <nav aria-label="Console">
          {PAGES.map((entry) => (
            <button
              type="button"
              key={entry.id}
              class={page === entry.id ? 'tab active' : 'tab'}
              aria-current={page === entry.id ? 'page' : undefined}
              onClick={() => setPage(entry.id)}
            >
              {entry.label}
            </button>
          ))}
        </nav>
        <span class="spacer" />
        <label class="orgpick">
          <span class="label">Organization</span>
          <select
            name="organization"
            value={organization}
            onChange={(event) => setOrganization((event.currentTarget as HTMLSelectElement).value)}
          >
            {(organizations ?? []).length === 0 && <option value="">no organizations yet</option>}
            {(organizations ?? []).map((org) => (
              <option key={org.organization_id} value={org.organization_id}>
                {org.organization_id} ({org.event_count})
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main class="page">
        {orgError && (
          <div class="notice error" role="alert">
            Could not list organizations: {orgError}
          </div>
        )}
        {page === 'explorer' &&
          (organization ? (
            <Explorer key={organization} api={api} organizationId={organization} verifierKey={verifierKey} />
          ) : (
            <div class="notice empty">
              No organization has events yet. Send one with <code>POST /v1/events</code>, then reload.
            </div>
          ))}
        {page === 'organizations' && (
          <OrganizationsPage
            organizations={organizations}
            onOpen={(id) => {
              setOrganization(id);
              setPage('explorer');
            }}
            onRefresh={refreshOrganizations}
          />
        )}
        {page === 'keys' && <ApiKeysPage api={api} />}
        {page === 'viewer' && <ViewerLinkPage api={api} organizationId={organization} />}
        {page === 'integrity' && <IntegrityPage api={api} organizationId={organization} verifierKey={verifierKey} />}
      </main>
    </div>
  );
}

function SignIn({ api, onSignedIn }: { api: Api; onSignedIn: (info: SessionInfo) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await api.json<SessionInfo>('POST', '/v1/console/session', { body: { api_key: key.trim() } });
      setKey('');
      onSignedIn(info);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The server could not be reached.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Auditledge console</h1>
        <p class="hint">Sign in with an admin API key (the server printed one on its first start).</p>
        <label>
          <span class="label">Admin API key</span>
          <input
            type="password"
            name="api_key"
            autocomplete="off"
            required
            value={key}
            onInput={(event) => setKey((event.currentTarget as HTMLInputElement).value)}
            aria-describedby={error ? 'signin-error' : undefined}
          />
        </label>
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

render(<Console />, document.getElementById('app') as HTMLElement);
