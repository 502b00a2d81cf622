// <auditledge-viewer token="avt_…" base-url="https://audit.example.com" [verifier-key="…"]>:
// drops the customer viewer into any page as an isolated iframe (its own origin, its own CSP).
// Theme it with CSS custom properties on the element (--al-accent, --al-bg, --al-fg, --al-font,
// --al-radius, …); they are read once and handed to the viewer in the URL fragment, which
// browsers never send to servers. Height: --al-height (default 640px).
const THEMED = [
  '--al-bg',
  '--al-fg',
  '--al-muted',
  '--al-accent',
  '--al-accent-fg',
  '--al-border',
  '--al-surface',
  '--al-radius',
  '--al-font',
  '--al-font-size',
];

function encode(value: Record<string, string>): string {
  const json = unescape(encodeURIComponent(JSON.stringify(value)));
  return btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

class AuditledgeViewer extends HTMLElement {
  static observedAttributes = ['token', 'base-url', 'verifier-key'];
  #frame: HTMLIFrameElement | null = null;

  connectedCallback(): void {
    if (!this.#frame) {
      const root = this.attachShadow({ mode: 'open' });
      const frame = document.createElement('iframe');
      frame.title = this.getAttribute('title') ?? 'Audit log';
      frame.setAttribute('referrerpolicy', 'no-referrer');
      frame.style.width = '100%';
      frame.style.border = '0';
      frame.style.display = 'block';
      root.append(frame);
      this.#frame = frame;
    }
    this.#load();
  }

  attributeChangedCallback(): void {
    if (this.#frame) this.#load();
  }

  #load(): void {
    const frame = this.#frame;
    const token = this.getAttribute('token');
    if (!frame || !token) return;
    const style = getComputedStyle(this);
    frame.style.height = style.getPropertyValue('--al-height').trim() || '640px';
    const theme: Record<string, string> = {};
    for (const name of THEMED) {
      const value = style.getPropertyValue(name).trim();
      if (value) theme[name] = value;
    }
    const base = (this.getAttribute('base-url') ?? new URL(/* @vite-ignore */ '.', import.meta.url).href).replace(
      /\/+$/,
      '',
    );
    const fragment = new URLSearchParams({ token });
    const key = this.getAttribute('verifier-key');
    if (key) fragment.set('key', key);
    if (Object.keys(theme).length > 0) fragment.set('theme', encode(theme));
    frame.src = `${base}/viewer#${fragment.toString()}`;
  }
}

if (!customElements.get('auditledge-viewer')) customElements.define('auditledge-viewer', AuditledgeViewer);
