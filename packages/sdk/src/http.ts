// One HTTP exchange with the Auditledge API over the global fetch (undici in Node, the browser's
// otherwise): bearer auth, a per-request timeout that also covers reading the body, and transport
// failures turned into AuditLedgeErrors that say whether a retry may help.
import { AuditLedgeError, AuditLedgeHttpError, type Problem } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch: FetchLike;
  headers: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  body?: string;
  query?: Readonly<Record<string, string | undefined>>;
  headers?: Readonly<Record<string, string>>;
  /** Aborts the request (and counts as `aborted`, not `timeout`). */
  signal?: AbortSignal | undefined;
  /** How the request is named in error messages, e.g. "sending 100 events". */
  what: string;
}

export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #base: string;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  get baseUrl(): string {
    return this.#base;
  }

  /** Sends one request; resolves with any HTTP status, rejects only when no complete reply arrived. */
  async request(method: string, path: string, options: RequestOptions): Promise<HttpResponse> {
    let url = `${this.#base}${path}`;
    if (options.query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(options.query)) if (value !== undefined) params.set(key, value);
      const search = params.toString();
      if (search !== '') url += `?${search}`;
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#options.timeoutMs);
    const external = options.signal;
    const onAbort = () => controller.abort();
    if (external?.aborted) controller.abort();
    else external?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = {
      ...this.#options.headers,
      authorization: `Bearer ${this.#options.apiKey}`,
      ...options.headers,
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.#options.fetch(url, {
        method,
        headers,
        ...(options.body !== undefined && { body: options.body }),
        signal: controller.signal,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (timedOut) {
        throw new AuditLedgeError('timeout', `${options.what}: no reply within ${this.#options.timeoutMs} ms`, {
          cause: error,
          retryable: true,
        });
      }
      if (controller.signal.aborted) {
        throw new AuditLedgeError('aborted', `${options.what}: aborted`, { cause: error });
      }
      const reason = error instanceof Error ? (describeCause(error) ?? error.message) : String(error);
      throw new AuditLedgeError('network_error', `${options.what}: ${reason} (${this.#base})`, {
        cause: error,
        retryable: true,
      });
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', onAbort);
    }
  }

  /** A request that must answer 2xx; anything else throws AuditLedgeHttpError. */
  async expectOk(method: string, path: string, options: RequestOptions): Promise<HttpResponse> {
    const response = await this.request(method, path, options);
    if (response.status < 200 || response.status > 299) throw httpError(response, options.what);
    return response;
  }

  /** A 2xx JSON reply, parsed. */
  async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.expectOk(method, path, {
      ...options,
      headers: { accept: 'application/json', ...options.headers },
    });
    return parseJson<T>(response, options.what);
  }
}

export function parseJson<T>(response: HttpResponse, what: string): T {
  try {
    return JSON.parse(response.text) as T;
  } catch (error) {
    throw new AuditLedgeError(
      'bad_response',
      `${what}: HTTP ${response.status} with a body that is not JSON: ${response.text.slice(0, 120)}`,
      { cause: error, retryable: true },
    );
  }
}

export function httpError(response: HttpResponse, what: string): AuditLedgeHttpError {
  let problem: Problem | undefined;
  try {
    const parsed: unknown = JSON.parse(response.text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) problem = parsed as Problem;
  } catch {
    // Not problem+json (a proxy's error page): the status alone tells what happened.
  }
  return new AuditLedgeHttpError(response.status, problem, {
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    what,
  });
}

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; milliseconds from now, or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names its weekday and month; anything else (e.g. "1.5") is not a valid value.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** undici wraps the socket error ("ECONNREFUSED", "other side closed") in `cause`. */
function describeCause(error: Error): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}` : cause.message;
  }
  return undefined;
}
