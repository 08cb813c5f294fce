import { NextResponse, type NextRequest } from 'next/server';
import { GATEWAY_WS_PORT } from '@/shared/graphql/gateway';
import { contentSecurityPolicy, createNonce, hostNameOf } from '@/shared/security/headers';

/**
 * The Content-Security-Policy of the console's own responses, with a per-request nonce that Next
 * reads from the request's policy and puts on the scripts it renders (the other security headers
 * are next.config.ts's).
 */
export function proxy(request: NextRequest): NextResponse {
  const policy = contentSecurityPolicy({
    nonce: createNonce(),
    host: hostNameOf(request.headers.get('host')),
    gatewayWsPort: GATEWAY_WS_PORT,
    development: process.env.NODE_ENV === 'development',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Not the gateway's routes (next.config.ts rewrites): their answers are the gateway's.
  matcher: ['/((?!graphql$|api/v1/forensics/).*)'],
};
