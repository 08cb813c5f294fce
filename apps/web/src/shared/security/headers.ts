/**
 * The Content-Security-Policy of the console's pages, set by proxy.ts. Scripts run only with
 * the request's nonce ('strict-dynamic' lets the framework's chunks load theirs); styles allow
 * inline because React renders style attributes and the chart library injects its stylesheet
 * (styles cannot run code). The browser talks to the console's origin and to the gateway's
 * WebSocket on the page's host.
 */

export interface ContentSecurityPolicyInput {
  nonce: string;
  /** The page's host name as the browser sees it (the WebSocket's host), or null when unusable. */
  host: string | null;
  gatewayWsPort: string;
  /** `next dev` evaluates code for its error overlay and hot reload. */
  development: boolean;
}

export function contentSecurityPolicy(input: ContentSecurityPolicyInput): string {
  const gatewaySocket =
    input.host === null
      ? []
      : [`ws://${input.host}:${input.gatewayWsPort}`, `wss://${input.host}:${input.gatewayWsPort}`];
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': [
      "'self'",
      `'nonce-${input.nonce}'`,
      "'strict-dynamic'",
      ...(input.development ? ["'unsafe-eval'"] : []),
    ],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...gatewaySocket],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

const HOST_NAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

/**
 * The host name of a Host header (`localhost:3000` → `localhost`, `[::1]:3000` → `[::1]`), or null
 * when it is not a plain host name: it goes into the policy, so nothing else may.
 */
export function hostNameOf(hostHeader: string | null): string | null {
  if (hostHeader === null) return null;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : hostHeader.split(':')[0]!;
  return HOST_NAME.test(name) ? name : null;
}

/** A fresh nonce: 128 random bits, base64. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
