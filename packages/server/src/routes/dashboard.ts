// Serves the dashboard's production build (packages/dashboard/dist): the operator console at `/`,
// the customer viewer at `/viewer`, the `<auditledge-viewer>` element script, hashed assets.
// Every response carries a strict CSP (no inline script or style); only the viewer may be framed,
// and only by the sources in AUDITLEDGE_FRAME_ANCESTORS.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { bearer, documentOnly, json, pathParams, problems, raw } from '../http/schemas.js';
import { listOrganizations } from '../services/viewer/list-organizations.js';

export const DASHBOARD_DIST = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));
/** The web component's stable URL (not content-hashed: embedders reference it). */
export const ELEMENT_SCRIPT = 'auditledge-viewer.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function cspDirectives(frameAncestors: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-src': ["'self'"],
    'frame-ancestors': [...frameAncestors],
  };
}

export function cspHeader(frameAncestors: readonly string[]): string {
  return Object.entries(cspDirectives(frameAncestors))
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

interface StaticFile {
  body: Buffer;
  type: string;
}

function loadDist(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        files.set(relative(dir, path).split(sep).join('/'), {
          body: readFileSync(path),
          type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        });
      }
    }
  };
  walk(dir);
  return files;
}

const MISSING_BUILD = `The dashboard is not built. Run "npm run build" at the repository root, then restart.\n`;

export async function registerDashboard(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
  options: { distDir?: string } = {},
): Promise<void> {
  const consoleCsp = cspHeader(["'none'"]);
  const viewerCsp = cspHeader(ctx.config.frameAncestors);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(["'none'"]) },
    // Strict-Transport-Security only makes sense behind TLS; leave it to the TLS terminator.
    strictTransportSecurity: false,
  });

  app.get(
    '/v1/organizations',
    {
      preHandler: authenticateRequest,
      schema: {
        tags: ['organizations'],
        operationId: 'listOrganizations',
        summary: 'Organizations with a log, and their event counts',
        description:
          "A pinned caller sees only its organization; the project's system log (auditledge:system) comes last.",
        security: bearer('events:read'),
        response: {
          200: json('The organizations', {
            type: 'object',
            required: ['data'],
            additionalProperties: false,
            properties: {
              data: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['organization_id', 'event_count'],
                  additionalProperties: false,
                  properties: {
                    organization_id: { type: 'string' },
                    event_count: { type: 'integer', minimum: 0, description: 'Events ever appended (the tree size)' },
                  },
                },
              },
            },
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const caller = request.caller as Caller;
      requireScope(caller, 'events:read');
      return { data: await listOrganizations(ctx, caller) };
    },
  );

  const page = (operationId: string, summary: string, description: string, contentType = 'text/html') => ({
    schema: {
      tags: ['dashboard'],
      operationId,
      summary,
      description,
      response: {
        200: raw(summary, contentType),
        503: raw('The dashboard is not built (`npm run build`)', 'text/plain'),
        ...problems(404),
      },
    },
  });

  const files = loadDist(options.distDir ?? DASHBOARD_DIST);
  const sendFile = (reply: FastifyReply, path: string, cache: string) => {
    const file = files.get(path);
    if (!file) {
      if (path.endsWith('.html')) return reply.code(503).type('text/plain; charset=utf-8').send(MISSING_BUILD);
      throw new AppError('not_found', `no dashboard file ${path}`);
    }
    return reply.type(file.type).header('cache-control', cache).send(file.body);
  };

  app.get(
    '/',
    page('getConsole', 'The operator console', 'Sign in with an admin API key.'),
    async (_request, reply) => {
      reply.header('content-security-policy', consoleCsp);
      return sendFile(reply, 'index.html', 'no-cache');
    },
  );

  app.get(
    '/viewer',
    page(
      'getViewer',
      'The embeddable customer viewer',
      'Opened with a viewer token in the URL fragment (#token=…); the only page that may be framed, by AUDITLEDGE_FRAME_ANCESTORS.',
    ),
    async (_request, reply) => {
      // The viewer alone may be framed: CSP frame-ancestors governs, so X-Frame-Options must go.
      reply.removeHeader('x-frame-options');
      reply.header('content-security-policy', viewerCsp);
      // The fragment (#token=…) never reaches the server; keep the page out of caches anyway.
      return sendFile(reply, 'viewer.html', 'no-store');
    },
  );

  app.get(
    `/${ELEMENT_SCRIPT}`,
    page(
      'getViewerElement',
      'The <auditledge-viewer> element script',
      'A module script other origins may load (CORS) to embed the viewer.',
      'text/javascript',
    ),
    async (_request, reply) => {
      // Loaded by other origins' pages (<script type="module"> fetches with CORS).
      reply.header('access-control-allow-origin', '*');
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return sendFile(reply, ELEMENT_SCRIPT, 'no-cache');
    },
  );

  app.get<{ Params: { '*': string } }>(
    '/assets/*',
    {
      config: documentOnly({
        url: '/assets/:asset_path',
        params: pathParams({ asset_path: 'A content-hashed file of the dashboard build' }),
      }),
      schema: {
        tags: ['dashboard'],
        operationId: 'getDashboardAsset',
        summary: 'Dashboard scripts, styles and images (immutable)',
        response: { 200: raw('The file', 'application/octet-stream'), ...problems(404) },
      },
    },
    async (request, reply) => {
      const path = `assets/${request.params['*']}`;
      if (path.includes('..')) throw new AppError('not_found', 'no such file');
      return sendFile(reply, path, 'public, max-age=31536000, immutable');
    },
  );
}
