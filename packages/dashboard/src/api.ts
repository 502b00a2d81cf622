// A small fetch client for the Auditledge API. The viewer authenticates with a bearer kept in
// memory; the console with its httpOnly cookie plus the CSRF token (also in memory only).

export interface ApiAuth {
  /** Viewer session token (`avs_…`), sent as `Authorization: Bearer`. */
  bearer?: string;
  /** Console session CSRF token, sent as `x-csrf-token` on state-changing requests. */
  csrf?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | undefined | null>;

export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export class Api {
  constructor(
    readonly baseUrl: string,
    public auth: ApiAuth = {},
  ) {}

  async request(method: string, path: string, options: { params?: Params; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.auth.bearer) headers.authorization = `Bearer ${this.auth.bearer}`;
    if (this.auth.csrf && method !== 'GET') headers['x-csrf-token'] = this.auth.csrf;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}${queryString(options.params ?? {})}`, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      let errors: { path: string; message: string }[] = [];
      try {
        const problem = await response.json();
        if (typeof problem.detail === 'string') detail = problem.detail;
        if (Array.isArray(problem.errors)) errors = problem.errors;
      } catch {
        // not a problem+json body; keep the status line
      }
      throw new ApiError(response.status, detail, errors);
    }
    return response;
  }

  async json<T>(method: string, path: string, options: { params?: Params; body?: unknown } = {}): Promise<T> {
    return (await this.request(method, path, options)).json() as Promise<T>;
  }

  get<T>(path: string, params?: Params): Promise<T> {
    return this.json<T>('GET', path, params ? { params } : {});
  }

  async text(path: string, params?: Params): Promise<string> {
    return (await this.request('GET', path, params ? { params } : {})).text();
  }
}

export interface EventView {
  id: string;
  organization_id: string;
  sequence: number;
  received_at: string;
  timestamp: string;
  actor: { id: string; type?: string; name?: string; email?: string; [key: string]: unknown };
  action: string;
  resource?: { type: string; id: string; name?: string; [key: string]: unknown };
  targets?: { type: string; id: string; name?: string }[];
  metadata?: Record<string, unknown>;
  changes?: Record<string, { before?: unknown; after?: unknown }>;
  outcome: 'success' | 'failure';
  leaf_hash: string;
  erased?: string[];
}

export interface EventProof {
  leaf: string;
  disclosures: Record<string, { value: unknown; salt: string }>;
  leaf_index: number;
  tree_size: number;
  inclusion: string[];
  checkpoint: string;
}

export interface EventPage {
  data: EventView[];
  next_cursor: string | null;
}

/** Saves a response body as a file (works for bearer-authenticated downloads too). */
export async function downloadResponse(response: Response, fallbackName: string): Promise<string> {
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
