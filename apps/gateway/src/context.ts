import type { Repositories } from '@tradeplane/db';
import type { KafkaAdapter, JobQueue, Logger, Redis } from '@tradeplane/platform';
import type { TrainingJobs } from '@tradeplane/training/service';
import type { RiskReportService } from '@tradeplane/risk';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { SessionUser } from './auth/roles';
import type { LoginService } from './auth/login.service';
import type { SessionService } from './auth/session.service';
import type { GatewayConfig } from './config';
import type { DecisionMirror } from './decisions';
import type { EngineClient } from './engine/engine-client';

/** Long-lived services shared by every request. */
export interface GatewayServices {
  config: GatewayConfig;
  repos: Repositories;
  sessions: SessionService;
  /** Sign-in with its lockouts (the `login` mutation). */
  login: LoginService;
  engine: EngineClient;
  importQueue: JobQueue<'data.import'>;
  backfillQueue: JobQueue<'features.backfill'>;
  regimeQueue: JobQueue<'regime.fit'>;
  training: TrainingJobs;
  pubsub: RedisPubSub;
  redisQueue: Redis;
  redisCache: Redis;
  kafka: KafkaAdapter;
  /** Portfolio risk reports, against the configured RISK_* limits. */
  riskReports: RiskReportService;
  /** Recent decisions mirrored from Kafka into Redis. */
  decisions: DecisionMirror;
  logger: Logger;
  clock: () => Date;
}

/** Per request (HTTP) or per connection (WebSocket). */
export interface GatewayContext extends GatewayServices {
  user: SessionUser | null;
  sessionToken: string | undefined;
  /** The client's IP address as the socket reports it (no proxy header is trusted). */
  clientAddress: string;
  /** Sets or clears the session cookie; absent on WebSocket connections. */
  setCookie?: (header: string) => void;
}
