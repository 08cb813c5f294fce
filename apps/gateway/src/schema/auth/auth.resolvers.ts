import { serialize } from 'cookie';
import { requireUser } from '../../auth/roles';
import { SESSION_COOKIE } from '../../auth/session.service';
import { GatewayError, badInput } from '../../errors/graphql-errors';
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
      const result = await ctx.sessions.login(email, args.password);
      if (!result) {
        await ctx.repos.audit.append({
          actor: `anonymous`,
          action: 'auth.login_failed',
          target: email.toLowerCase(),
        });
        throw new GatewayError('UNAUTHENTICATED', 'wrong email or password');
      }
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
