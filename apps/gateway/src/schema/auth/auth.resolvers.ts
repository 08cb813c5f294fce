import { assertNever } from '@tradeplane/contracts';
import { serialize } from 'cookie';
import { requireUser } from '../../auth/roles';
import { SESSION_COOKIE } from '../../auth/session.service';
import { GatewayError, RateLimitedError, badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';

export const authResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: GatewayContext) => ctx.user,
  },
  Mutation: {
    async login(_: unknown, args: { email: string; password: string }, ctx: GatewayContext) {
      const email = args.email.trim();
      if (!email.includes('@')) throw badInput('email', 'email must be an email address');
      if (!args.password) throw badInput('password', 'password must not be empty');
      const outcome = await ctx.login.attempt(email, args.password, ctx.clientAddress);
      switch (outcome.kind) {
        case 'SIGNED_IN':
          break;
        case 'WRONG_CREDENTIALS':
          await ctx.repos.audit.append({
            actor: `anonymous`,
            action: 'auth.login_failed',
            target: email.toLowerCase(),
          });
          throw new GatewayError('UNAUTHENTICATED', 'wrong email or password');
        case 'LOCKED_OUT': {
          const { scope, retryAfterS } = outcome.lockout;
          const from = scope === 'account' ? 'for this email' : 'from this address';
          throw new RateLimitedError(
            `too many failed sign-ins ${from}; try again in ${formatWait(retryAfterS)}`,
            retryAfterS,
          );
        }
        case 'THROTTLE_UNAVAILABLE':
          throw new GatewayError(
            'UPSTREAM_UNAVAILABLE',
            'sign-in is unavailable for a moment; try again shortly',
          );
        default:
          return assertNever(outcome);
      }
      const result = outcome;
      ctx.setCookie?.(
        serialize(SESSION_COOKIE, result.token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.config.COOKIE_SECURE,
          path: '/',
          expires: result.expiresAt,
        }),
      );
      await ctx.repos.audit.append({
        actor: `user:${result.user.id}`,
        action: 'auth.login',
        target: result.user.email,
      });
      return result.user;
    },
    async logout(_: unknown, __: unknown, ctx: GatewayContext) {
      const user = requireUser(ctx);
      await ctx.sessions.logout(ctx.sessionToken);
      ctx.setCookie?.(
        serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 0 }),
      );
      await ctx.repos.audit.append({ actor: `user:${user.id}`, action: 'auth.logout' });
      return true;
    },
  },
};

/** `840` → `14 min`, `45` → `45 s`: the wait as a person reads it (the exact seconds are in retryAfterS). */
function formatWait(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} min` : `${seconds} s`;
}
