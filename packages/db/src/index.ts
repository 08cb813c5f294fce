import { createDb, type Db, type DbOptions } from './client';
import {
  ApiKeysRepository,
  AuditLogRepository,
  BarsRepository,
  EngineRunsRepository,
  ForensicsRepository,
  IngestionRunsRepository,
  InstrumentsRepository,
  ModelRegistryRepository,
  OutcomesRepository,
  RegimesRepository,
  RolloutsRepository,
  RunQueriesRepository,
  SessionsRepository,
  TrackingRepository,
  TradingHaltsRepository,
  UsersRepository,
} from './repositories';

export * from './client';
export * from './migrate';
export * from './repositories';

/** All repositories over one pool: what a process gets from `openRepositories`. */
export interface Repositories {
  db: Db;
  bars: BarsRepository;
  instruments: InstrumentsRepository;
  ingestionRuns: IngestionRunsRepository;
  users: UsersRepository;
  sessions: SessionsRepository;
  apiKeys: ApiKeysRepository;
  audit: AuditLogRepository;
  regimes: RegimesRepository;
  /** Experiment tracking: writes (runs, params, metric batches, artifacts). */
  tracking: TrackingRepository;
  /** Experiment tracking: reads (filtering, series, comparison). */
  runQueries: RunQueriesRepository;
  registry: ModelRegistryRepository;
  /** The trading halt: at most one open halt, its history. */
  tradingHalts: TradingHaltsRepository;
  /** Explained decisions, by decision id. */
  forensics: ForensicsRepository;
  /** The outcome ledger: what each decision earned, per target and arm. */
  outcomes: OutcomesRepository;
  /** Rollouts: state, audit trail, analysis snapshots, the controller lease, paired ledger reads. */
  rollouts: RolloutsRepository;
  /** Decision engine processes: starts, heartbeats, clean stops (the crash guard). */
  engineRuns: EngineRunsRepository;
}

export function openRepositories(options: DbOptions): Repositories {
  const db = createDb(options);
  return {
    db,
    bars: new BarsRepository(db.pool),
    instruments: new InstrumentsRepository(db.prisma),
    ingestionRuns: new IngestionRunsRepository(db.prisma),
    users: new UsersRepository(db.prisma),
    sessions: new SessionsRepository(db.prisma),
    apiKeys: new ApiKeysRepository(db.prisma),
    audit: new AuditLogRepository(db.prisma),
    regimes: new RegimesRepository(db.prisma, db.pool),
    tracking: new TrackingRepository(db.prisma, db.pool),
    runQueries: new RunQueriesRepository(db.prisma, db.pool),
    registry: new ModelRegistryRepository(db.prisma, db.pool),
    tradingHalts: new TradingHaltsRepository(db.prisma, db.pool),
    forensics: new ForensicsRepository(db.pool),
    outcomes: new OutcomesRepository(db.pool),
    rollouts: new RolloutsRepository(db.pool),
    engineRuns: new EngineRunsRepository(db.pool),
  };
}
