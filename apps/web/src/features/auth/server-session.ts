import { cookies, headers } from 'next/headers';
import { gatewayHttpUrl } from '@/shared/graphql/gateway';
import { ME } from './operations';
import type { SessionUser } from './session';

/** The gateway's session cookie (httpOnly; the console's server forwards it). */
const SESSION_COOKIE = 'tp_session';
const CHECK_TIMEOUT_MS = 5_000;

export type ServerSession =
  | { kind: 'signed-in'; user: SessionUser }
  | { kind: 'signed-out' }
  /** The gateway did not answer: the page renders and the browser asks again (with a retry). */
  | { kind: 'unknown' };

interface MeResponse {
  data?: { me: SessionUser | null } | null;
  errors?: { extensions?: { code?: unknown } }[];
}

/**
 * Asks the gateway who the request's session belongs to, with the console's own `Me` operation
 * (the same text the browser sends, so a gateway that runs only the console's operations accepts it).
 */
export async function serverSession(): Promise<ServerSession> {
  if (!(await cookies()).get(SESSION_COOKIE)?.value) return { kind: 'signed-out' };
  // The Cookie header as the browser sent it (the `/graphql` rewrite forwards the same).
  const cookieHeader = (await headers()).get('cookie') ?? '';
  let body: MeResponse;
  try {
    const res = await fetch(`${gatewayHttpUrl()}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        cookie: cookieHeader,
      },
      body: JSON.stringify({ query: ME.query, variables: {} }),
      cache: 'no-store',
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    body = (await res.json()) as MeResponse;
  } catch {
    return { kind: 'unknown' };
  }
  const user = body.data?.me;
  if (user) return { kind: 'signed-in', user: { email: user.email, role: user.role } };
  if (user === null || body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED'))
    return { kind: 'signed-out' };
  return { kind: 'unknown' };
}
