/** Host names are case-insensitive and may carry a trailing root dot; compare their canonical form. */
export const canonicalHost = (host: string): string => {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
};

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** `api.github.com` or `*.googleapis.com`: DNS labels, an optional leading `*.`, at least two labels. */
export function isValidHostPattern(pattern: string): boolean {
  const host = canonicalHost(pattern);
  const name = host.startsWith('*.') ? host.slice(2) : host;
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}
