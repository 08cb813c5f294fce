import { sha256Hex, type Logger } from '@tradeplane/platform';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { WebSocket } from 'ws';
import type { SessionService } from '../auth/session.service';

/** Redis pub/sub channel of ended sessions (token hashes), shared by every gateway replica. */
const SESSION_ENDED_CHANNEL = 'session.ended';

/** What SessionService calls on logout: every replica hears it. */
export const publishSessionEnded =
  (pubsub: RedisPubSub) =>
  (tokenHash: string): Promise<void> =>
    pubsub.publish(SESSION_ENDED_CHANNEL, { tokenHash });

/** graphql-ws's Unauthorized close code: the client does not reconnect with the same cookie. */
const SESSION_ENDED_CLOSE = { code: 4401, reason: 'session ended' } as const;

/**
 * The WebSocket connections of each session, closed when the session ends: at once on a
 * logout published by any replica, and within `recheckMs` when it expires or its user is
 * gone (a periodic look-up of every open session).
 */
export class SessionSockets {
  private readonly byTokenHash = new Map<string, Set<WebSocket>>();
  private timer: NodeJS.Timeout | undefined;
  private subscription: number | undefined;

  constructor(
    private readonly sessions: SessionService,
    private readonly pubsub: RedisPubSub,
    private readonly recheckMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.pubsub.subscribe(
      SESSION_ENDED_CHANNEL,
      (message: { tokenHash?: unknown }) => {
        if (typeof message?.tokenHash === 'string') this.close(message.tokenHash);
      },
    );
    this.timer = setInterval(() => void this.recheck(), this.recheckMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.subscription !== undefined) this.pubsub.unsubscribe(this.subscription);
  }

  /** Tracks a connection made with `token` (none: anonymous, nothing to end). */
  add(token: string | undefined, socket: WebSocket): void {
    if (!token) return;
    const tokenHash = sha256Hex(token);
    const open = this.byTokenHash.get(tokenHash) ?? new Set();
    open.add(socket);
    this.byTokenHash.set(tokenHash, open);
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0 && this.byTokenHash.get(tokenHash) === open) this.byTokenHash.delete(tokenHash);
    });
  }

  private close(tokenHash: string): void {
    const open = this.byTokenHash.get(tokenHash);
    if (!open) return;
    this.byTokenHash.delete(tokenHash);
    for (const socket of open) socket.close(SESSION_ENDED_CLOSE.code, SESSION_ENDED_CLOSE.reason);
  }

  private async recheck(): Promise<void> {
    for (const tokenHash of [...this.byTokenHash.keys()]) {
      try {
        if (!(await this.sessions.userForHash(tokenHash))) this.close(tokenHash);
      } catch (err) {
        this.logger.warn({ err }, 'session re-check failed; retried at the next interval');
      }
    }
  }
}
