/**
 * Where the console reaches the gateway. HTTP goes server-side (the `/graphql` rewrite and the
 * server's session check); the browser's WebSocket goes to the page's own host on the gateway's port.
 */

/**
 * The gateway's HTTP origin, read by the Next server at run time (the session check). next.config.ts
 * reads the same variable for its rewrites: `next start` loads that file without resolving imports.
 */
export function gatewayHttpUrl(): string {
  return (process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
}

/** The gateway's WebSocket port (inlined at build time): the console's one cross-origin connection. */
export const GATEWAY_WS_PORT = process.env.NEXT_PUBLIC_GATEWAY_WS_PORT ?? '4000';
