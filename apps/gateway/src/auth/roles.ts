import type { Role } from '@tradeplane/db';
import { GatewayError } from '../errors/graphql-errors';
import type { GatewayContext } from '../context';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

/** Any signed-in user. */
export function requireUser(ctx: GatewayContext): SessionUser {
  if (!ctx.user) throw new GatewayError('UNAUTHENTICATED', 'sign in first');
  return ctx.user;
}

/** One of the listed roles; roles are capabilities, not a ladder (a pm is not a quant). */
export function requireRole(ctx: GatewayContext, roles: readonly Role[]): SessionUser {
  const user = requireUser(ctx);
  if (!roles.includes(user.role)) {
    throw new GatewayError('FORBIDDEN', `this action needs role ${roles.join(' or ')}; you are ${user.role}`);
  }
  return user;
}
