// The customer viewer (/viewer): one organization's trail, opened with a viewer token from the
// URL fragment. The token is exchanged for a viewer session kept in this page's memory only and
// sent as a bearer: a cookie would not reach us inside a cross-site iframe (SameSite), and
// nothing is written to localStorage. The fragment is removed from the address bar at once.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api';
import { Explorer } from './explorer';
import { applyTheme, decodeTheme } from './theme';
import './styles.css';

interface Session {
  session_token: string;
  organization_id: string;
  expires_at: string;
}

const fragment = new URLSearchParams(location.hash.slice(1));
const token = fragment.get('token');
const pinnedKey = fragment.get('key');
applyTheme(decodeTheme(fragment.get('theme')));
if (location.hash) history.replaceState(null, '', location.pathname + location.search);

/** The organization a token names (unverified: only to start loading; the server enforces it). */
function claimedOrganization(viewerToken: string | null): string | null {
  try {
    const body = (viewerToken ?? '').slice(4).split('.')[0] ?? '';
    const claims = JSON.parse(atob(body.replaceAll('-', '+').replaceAll('_', '/')));
    return typeof claims.org === 'string' ? claims.org : null;
  } catch {
    return null;
  }
}

function Viewer() {
  // The first page loads with the viewer token itself while the session exchange (which records
  // viewer.session_started) runs alongside; later requests use the session.
  const api = useMemo(() => new Api('', token ? { bearer: token } : {}), []);
  const [session, setSession] = useState<Session | null>(() => {
    const org = claimedOrganization(token);
    return org ? { session_token: '', organization_id: org, expires_at: '' } : null;
  });
  const [error, setError] = useState<string | null>(
    token ? null : 'This page needs a viewer link. Open the audit log from your application again.',
  );
  const [verifierKey, setVerifierKey] = useState<string | null>(pinnedKey);

  useEffect(() => {
    if (!token) return;
    api
      .json<Session>('POST', '/v1/viewer/sessions', { body: { token } })
      .then((opened) => {
        api.auth = { bearer: opened.session_token };
        setSession(opened);
      })
      .catch((failure: Error) => setError(`${failure.message}. Open the audit log from your application again.`));
    if (!pinnedKey)
      api.text('/v1/verifier-key').then(
        (key) => setVerifierKey(key.trim()),
        () => setVerifierKey(null),
      );
  }, [api]);

  if (error) {
    return (
      <main class="page">
        <div class="notice error" role="alert">
          {error}
        </div>
      </main>
    );
  }
  if (!session) {
    return (
      <main class="page">
        <p class="hint" role="status">
          Opening the audit log…
        </p>
      </main>
    );
  }
  return (
    <main class="page">
      <header class="viewerhead">
        <h1>Audit log</h1>
        <span class="muted">
          Organization <code>{session.organization_id}</code> · read-only
          {session.expires_at && ` · session ends ${new Date(session.expires_at).toLocaleTimeString()}`}
        </span>
      </header>
      <Explorer api={api} organizationId={session.organization_id} verifierKey={verifierKey} />
    </main>
  );
}

render(<Viewer />, document.getElementById('app') as HTMLElement);
