/**
 * The proxy the command goes through: --proxy, else the conventional environment of command-line
 * tools — HTTPS_PROXY (or HTTP_PROXY for an http endpoint), in upper or lower case, unless NO_PROXY
 * names the endpoint's host. A loopback endpoint (the emulator) is never proxied.
 */
type Env = Readonly<Record<string, string | undefined>>;

export function proxyFor(endpoint: URL, env: Env): string | undefined {
  const host = endpoint.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return undefined;
  const variable = endpoint.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const proxy = env[variable] || env[variable.toLowerCase()];
  if (!proxy) return undefined;
  return bypassed(host, endpoint.port, env['NO_PROXY'] || env['no_proxy'] || '') ? undefined : proxy;
}

/** NO_PROXY entries: `*`, a host, a domain (`.example.com` or `example.com`, subdomains included), each with an optional `:port`. */
function bypassed(host: string, port: string, noProxy: string): boolean {
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (entryPort !== undefined && entryPort !== port) return false;
      const domain = name.replace(/^\*?\./, '');
      return host === domain || host.endsWith(`.${domain}`);
    });
}
