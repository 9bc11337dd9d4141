import type { ProfileConfig } from './profile-file.js';

/** Where `ax` talks to when nothing says otherwise: a local `ax serve`. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

/**
 * The API base URL a profile's `[routing]` names, by Arize's rules: `region` → `https://api.<region>.arize.com`,
 * `single_host`/`single_port`, `base_domain` → `https://api.<base_domain>`, or `api_host`/`api_scheme`/`api_port`
 * (scheme defaults to https; the port is appended only when non-zero). Undefined when the profile names none.
 */
export function routingEndpoint(routing: ProfileConfig['routing']): string | undefined {
  if (!routing) return undefined;
  const exclusive = [routing.region, routing.single_host, routing.base_domain].filter((v) => v !== undefined && v !== '');
  if (exclusive.length > 1) throw new Error('[routing] may set only one of region, single_host and base_domain');
  const scheme = routing.api_scheme || 'https';
  if (scheme !== 'http' && scheme !== 'https') throw new Error(`[routing] api_scheme must be http or https, got ${scheme}`);
  if (routing.region) return `https://api.${routing.region}.arize.com`;
  if (routing.single_host) return hostUrl(scheme, routing.single_host, routing.single_port, 'single_port');
  if (routing.base_domain) return `https://api.${routing.base_domain}`;
  if (routing.api_host) return hostUrl(scheme, routing.api_host, routing.api_port, 'api_port');
  return undefined;
}

/**
 * The app URL `ax auth login` talks to (the OAuth endpoints), by Arize's rules: `region` → `https://app.<region>.arize.com`,
 * `base_domain` → `https://app.<base_domain>`; otherwise the API endpoint itself, as this server serves the app and
 * the API on one host and port (`single_host`/`single_port`, `api_host`/…).
 */
export function routingAppEndpoint(routing: ProfileConfig['routing'], apiEndpoint: string): string {
  if (routing?.region) return `https://app.${routing.region}.arize.com`;
  if (routing?.base_domain) return `https://app.${routing.base_domain}`;
  return apiEndpoint;
}

/** `[routing]` keys for an endpoint URL (`--endpoint`), as Arize's CLI stores them. */
export function endpointRouting(endpoint: string): NonNullable<ProfileConfig['routing']> {
  const url = parseEndpoint(endpoint);
  const routing: NonNullable<ProfileConfig['routing']> = {
    api_host: url.hostname.replace(/^\[|\]$/g, ''),
    api_scheme: url.protocol.slice(0, -1),
  };
  if (url.port) routing.api_port = Number(url.port);
  return routing;
}

/** Validates an endpoint: an http(s) URL with nothing after the host but an optional trailing slash. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`"${endpoint}" is not a URL; expected e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`endpoint must start with http:// or https://, got ${endpoint}`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new Error(`endpoint must be a server's base URL without a path, got ${endpoint}`);
  }
  return url;
}

function hostUrl(scheme: string, host: string, port: number | string | undefined, portKey: string): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  // Say which key is wrong: Number('abc') would otherwise surface as "https://host:NaN is not a URL".
  if (port !== undefined && port !== '' && !(/^\d+$/.test(String(port)) && Number(port) <= 65535)) {
    throw new Error(`[routing] ${portKey} must be a port number from 0 to 65535, got ${JSON.stringify(port)}`);
  }
  const portText = port === undefined || port === '' || Number(port) === 0 ? '' : `:${Number(port)}`;
  return `${scheme}://${bracketed}${portText}`;
}
