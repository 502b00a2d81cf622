// The /docs page: the OpenAPI document rendered to plain HTML on the server. No script at all, so
// it works under the strict CSP every response carries (script-src 'self', no inline code), and
// its one stylesheet is served from /docs/docs.css.

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, { description?: string }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** Escaped prose with `code spans`. */
function prose(text: string | undefined): string {
  if (!text) return '';
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function anchor(...parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** A schema as a link to its component, or as pretty JSON. */
function schemaHtml(schema: unknown): string {
  const ref = (schema as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length);
    return `<a href="#${anchor('schema', name)}"><code>${escapeHtml(name)}</code></a>`;
  }
  const items = (schema as { type?: unknown; items?: { $ref?: unknown } } | undefined)?.items;
  if ((schema as { type?: unknown }).type === 'array' && typeof items?.$ref === 'string') {
    return `array of ${schemaHtml(items)}`;
  }
  return `<details><summary>schema</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function contentHtml(content: Record<string, { schema?: unknown }> | undefined): string {
  if (!content) return '';
  return Object.entries(content)
    .map(
      ([type, media]) =>
        `<code>${escapeHtml(type)}</code> ${media.schema === undefined ? '' : schemaHtml(media.schema)}`,
    )
    .join('<br>');
}

function operationHtml(path: string, method: string, op: Operation): string {
  const id = anchor('op', op.operationId ?? `${method}-${path}`);
  const security = op.security?.length
    ? `<p class="auth">Requires ${op.security
        .map((requirement) =>
          Object.entries(requirement)
            .map(
              ([scheme, scopes]) =>
                `${escapeHtml(scheme)}${scopes.length ? ` (${scopes.map(escapeHtml).join(', ')})` : ''}`,
            )
            .join(' and '),
        )
        .join(' or ')}</p>`
    : '<p class="auth">No authentication</p>';
  const params = op.parameters?.length
    ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>description</th></tr></thead><tbody>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${prose(p.description)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const body = op.requestBody ? `<h4>Request body</h4><div>${contentHtml(op.requestBody.content)}</div>` : '';
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, response]) =>
        `<tr><td>${escapeHtml(status)}</td><td>${prose(response.description)}</td><td>${contentHtml(response.content)}</td></tr>`,
    )
    .join('');
  return `<section class="operation" id="${id}">
<h3><span class="method method-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${prose(op.summary)}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${security}
${params}
${body}
<h4>Responses</h4><table><thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead><tbody>${responses}</tbody></table>
</section>`;
}

/** The whole page. */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations: { tag: string; path: string; method: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) operations.push({ tag: op.tags?.[0] ?? 'other', path, method, op });
    }
  }
  const tags = [...(document.tags ?? []).map((t) => t.name), 'other'];
  const sections = tags
    .map((tag) => {
      const ops = operations.filter((o) => o.tag === tag);
      if (ops.length === 0) return '';
      const description = document.tags?.find((t) => t.name === tag)?.description;
      return `<h2 id="${anchor('tag', tag)}">${escapeHtml(tag)}</h2>${description ? `<p>${prose(description)}</p>` : ''}${ops
        .map((o) => operationHtml(o.path, o.method, o.op))
        .join('\n')}`;
    })
    .join('\n');
  const toc = tags
    .map((tag) => {
      const ops = operations.filter((o) => o.tag === tag);
      if (ops.length === 0) return '';
      return `<li><a href="#${anchor('tag', tag)}">${escapeHtml(tag)}</a><ul>${ops
        .map(
          (o) =>
            `<li><a href="#${anchor('op', o.op.operationId ?? `${o.method}-${o.path}`)}"><span class="method method-${o.method}">${o.method.toUpperCase()}</span> ${escapeHtml(o.path)}</a></li>`,
        )
        .join('')}</ul></li>`;
    })
    .join('');
  const schemes = Object.entries(document.components?.securitySchemes ?? {})
    .map(([name, scheme]) => `<dt><code>${escapeHtml(name)}</code></dt><dd>${prose(scheme.description)}</dd>`)
    .join('');
  const schemas = Object.entries(document.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<section class="schema" id="${anchor('schema', name)}"><h3>${escapeHtml(name)}</h3>${prose((schema as { description?: string }).description)}<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>
<link rel="stylesheet" href="/docs/docs.css">
</head>
<body>
<header>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${prose(document.info.description)}</p>
<p>The machine-readable document: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI ${escapeHtml(document.openapi)}).</p>
</header>
<nav><h2>Contents</h2><ul>${toc}<li><a href="#schemas">schemas</a></li></ul></nav>
<main>
<h2>Authentication</h2><dl>${schemes}</dl>
${sections}
<h2 id="schemas">Schemas</h2>
${schemas}
</main>
</body>
</html>
`;
}

export const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1b1f24}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f4f5f7;padding:.75rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #e3e5e8;padding:.3rem .5rem;text-align:left;vertical-align:top}
.operation{border-top:1px solid #d0d4d9;padding:.5rem 0 1rem}
.method{display:inline-block;min-width:3.5rem;font-weight:600;font-size:12px;padding:.1rem .3rem;border-radius:3px;background:#e8eaed;text-align:center}
.method-get{background:#dcefff}.method-post{background:#dff5e3}.method-put{background:#fff1d6}.method-delete{background:#fde2e1}
.auth{color:#57606a}
nav ul{list-style:none;padding-left:1rem}
small{color:#57606a;font-weight:normal}
`;
