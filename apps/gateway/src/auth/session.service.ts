import type { Repositories } from '@tradeplane/db';
import { generateSecret, hashPassword, sha256Hex, verifyPasswordOrDummy } from '@tradeplane/platform';
import type { SessionUser } from './roles';

export const SESSION_COOKIE = 'tp_session';

/** Sessions: a random token in an httpOnly cookie, its SHA-256 in the database. */
export class SessionService {
  constructor(
    private readonly repos: Repositories,
    private readonly ttlHours: number,
    private readonly clock: () => Date,
    /** Told the token hash of every session that logs out, so its open subscriptions close. */
    private readonly ended: (tokenHash: string) => Promise<void> = async () => undefined,
  ) {}

  /** null for an unknown email or a wrong password (the caller does not learn which). */
  async login(
    email: string,
    password: string,
  ): Promise<{ user: SessionUser; token: string; expiresAt: Date } | null> {
    const user = await this.repos.users.findByEmail(email);
    // The same work for an unknown email as for a wrong password: timing tells neither apart.
    if (!(await verifyPasswordOrDummy(password, user?.passwordHash ?? null)) || !user) return null;
    const { secret } = generateSecret('session');
    const expiresAt = new Date(this.clock().getTime() + this.ttlHours * 3600_000);
    await this.repos.sessions.create(sha256Hex(secret), user.id, expiresAt);
    return { user: { id: user.id, email: user.email, role: user.role }, token: secret, expiresAt };
  }

  async userFor(token: string | undefined): Promise<SessionUser | null> {
    return token ? this.userForHash(sha256Hex(token)) : null;
  }

  /** The user of a live (unexpired) session, by the token's hash. */
  async userForHash(tokenHash: string): Promise<SessionUser | null> {
    const user = await this.repos.sessions.findUser(tokenHash, this.clock());
    return user ? { id: user.id, email: user.email, role: user.role } : null;
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const tokenHash = sha256Hex(token);
    await this.repos.sessions.delete(tokenHash);
    await this.ended(tokenHash);
  }

  /** First start: create the admin from ADMIN_EMAIL / ADMIN_PASSWORD when no admin exists. */
  async seedAdmin(email: string, password: string): Promise<boolean> {
    if ((await this.repos.users.countByRole('admin')) > 0) return false;
    await this.repos.users.create(email, await hashPassword(password), 'admin');
    return true;
  }
}
