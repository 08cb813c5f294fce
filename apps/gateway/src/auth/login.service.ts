import type { AuditLogRepository } from '@tradeplane/db';
import type { Logger } from '@tradeplane/platform';
import type { LoginLockout, LoginThrottle } from './login-throttle';
import type { SessionUser } from './roles';
import type { SessionService } from './session.service';

/** How a sign-in attempt ended. */
export type LoginOutcome =
  | { kind: 'SIGNED_IN'; user: SessionUser; token: string; expiresAt: Date }
  | { kind: 'WRONG_CREDENTIALS' }
  | { kind: 'LOCKED_OUT'; lockout: LoginLockout }
  /** The throttle's store cannot be reached: sign-in is refused rather than left unthrottled. */
  | { kind: 'THROTTLE_UNAVAILABLE' };

/**
 * Sign-in as both transports reach it (the `login` mutation over HTTP or graphql-ws): the
 * lockout check first, then the password (one scrypt whether or not the email exists), then
 * the counters. A lockout is audited once, when it starts (`auth.lockout`, actor
 * `email:<email>` or `ip:<address>`), not for every refused attempt.
 */
export class LoginService {
  private readonly log: Logger;

  constructor(
    private readonly sessions: Pick<SessionService, 'login'>,
    private readonly throttle: LoginThrottle,
    private readonly audit: Pick<AuditLogRepository, 'append'>,
    logger: Logger,
  ) {
    this.log = logger.child({ scope: 'login' });
  }

  async attempt(email: string, password: string, clientAddress: string): Promise<LoginOutcome> {
    let lockout: LoginLockout | null;
    try {
      lockout = await this.throttle.lockout(email, clientAddress);
    } catch (err) {
      this.log.error({ err }, 'login throttle unreachable: refusing sign-in');
      return { kind: 'THROTTLE_UNAVAILABLE' };
    }
    if (lockout) return { kind: 'LOCKED_OUT', lockout };

    const session = await this.sessions.login(email, password);
    if (session) {
      // A stale count only expires later; it never lets anyone in, so a failure here is logged.
      await this.throttle
        .clearAccount(email)
        .catch((err: unknown) => this.log.warn({ err }, 'could not clear the account’s failure count'));
      return { kind: 'SIGNED_IN', ...session };
    }

    let started: LoginLockout[] = [];
    try {
      started = await this.throttle.countFailure(email, clientAddress);
    } catch (err) {
      this.log.error({ err }, 'login throttle unreachable: a failed sign-in was not counted');
    }
    for (const { scope, subject, retryAfterS } of started) {
      await this.audit.append({
        actor: `${scope === 'account' ? 'email' : 'ip'}:${subject}`,
        action: 'auth.lockout',
        target: subject,
        details: { scope, lockedForS: retryAfterS },
      });
    }
    return { kind: 'WRONG_CREDENTIALS' };
  }
}
