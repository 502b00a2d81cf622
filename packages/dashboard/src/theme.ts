// Theming through CSS custom properties. The embedding page passes its values (from the
// <auditledge-viewer> element's computed style) in the URL fragment; only `--al-*` names are applied.
export const THEME_PROPERTIES = [
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
] as const;

export function applyTheme(theme: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(theme)) {
    if ((THEME_PROPERTIES as readonly string[]).includes(name) && typeof value === 'string' && value.length < 200) {
      document.documentElement.style.setProperty(name, value);
    }
  }
}

export function decodeTheme(encoded: string | null): Record<string, unknown> {
  if (!encoded) return {};
  try {
    const json = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
    const value = JSON.parse(decodeURIComponent(escape(json)));
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

export function encodeTheme(theme: Record<string, string>): string {
  const json = unescape(encodeURIComponent(JSON.stringify(theme)));
  return btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
