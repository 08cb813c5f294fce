/**
 * Registers the bootstrap models when the registry has no production version of a decision
 * model (a fresh install): one tracking run (experiment `bootstrap-models`, tag
 * `label=bootstrap`) holding each ONNX file as artifact `models/<name>.onnx`, then per missing
 * name a version with the bootstrap description, moved to production by
 * `system:engine-bootstrap`. On a fresh registry these are version 1.
 *
 * Race-safe and idempotent: the whole check-and-register runs under a PostgreSQL advisory
 * lock, so of two engines starting at once the second waits, then finds the production
 * versions and does nothing. A version registered by an attempt that died before promoting it
 * is promoted rather than registered again.
 */
import type { ModelRegistryRepository, ModelVersionRecord, RegistryActor } from '@tradeplane/db';
import type { Logger } from '@tradeplane/platform';
import { bootstrapModelSet, BOOTSTRAP_LABEL, type BootstrapModel } from './bootstrap';
import { DECISION_MODEL_NAMES } from '../registry/model-arms';

export const BOOTSTRAP_EXPERIMENT = 'bootstrap-models';
export const BOOTSTRAP_DESCRIPTION = 'bootstrap: built from parameters, not trained';
export const BOOTSTRAP_ACTOR: RegistryActor = {
  by: 'system:engine-bootstrap',
  auditActor: 'system:engine-bootstrap',
};
/** pg_advisory_lock key of the bootstrap registration (the migrator uses 7_420_211). */
export const BOOTSTRAP_LOCK_KEY = 7_420_305;

/** The tracking calls the registration makes (a TrackingClient). */
export interface BootstrapTracking {
  startRun(input: {
    experiment: string;
    name: string;
    params?: Record<string, string | number | boolean>;
    tags?: Record<string, string>;
  }): Promise<{ runId: string }>;
  logArtifact(runId: string, path: string, content: Uint8Array, contentType?: string): Promise<unknown>;
  endRun(runId: string, status?: 'finished' | 'failed' | 'killed', failureReason?: string): Promise<void>;
  close(): Promise<void>;
}

export interface BootstrapDeps {
  registry: Pick<ModelRegistryRepository, 'getModel' | 'registerVersion' | 'moveStage'>;
  openTracking: () => Promise<BootstrapTracking>;
  /** Runs `work` holding the cluster-wide bootstrap lock. */
  withLock: <T>(work: () => Promise<T>) => Promise<T>;
  log: Logger;
}

export interface BootstrapOutcome {
  /** name → version put into production by this call. */
  promoted: Record<string, number>;
  runId: string | null;
}

export function ensureBootstrapModels(deps: BootstrapDeps): Promise<BootstrapOutcome> {
  return deps.withLock(async () => {
    const register: BootstrapModel[] = [];
    const promote: ModelVersionRecord[] = [];
    const models = bootstrapModelSet();
    for (const name of DECISION_MODEL_NAMES) {
      const versions = (await deps.registry.getModel(name))?.versions ?? [];
      if (versions.some((v) => v.stage === 'production')) continue;
      const stranded = versions.find((v) => v.description === BOOTSTRAP_DESCRIPTION && v.stage === 'none');
      if (stranded) promote.push(stranded);
      else register.push(models.find((m) => m.name === name)!);
    }
    if (register.length === 0 && promote.length === 0) return { promoted: {}, runId: null };

    let runId: string | null = null;
    if (register.length > 0) {
      const tracking = await deps.openTracking();
      try {
        ({ runId } = await tracking.startRun({
          experiment: BOOTSTRAP_EXPERIMENT,
          name: `bootstrap ${register.map((m) => m.name).join(', ')}`,
          params: Object.fromEntries(register.map((m) => [m.name, JSON.stringify(m.params)])),
          tags: { label: BOOTSTRAP_LABEL, source: 'engine' },
        }));
        for (const m of register) {
          await tracking.logArtifact(runId, artifactPath(m.name), m.bytes, 'application/onnx');
        }
        await tracking.endRun(runId, 'finished');
      } finally {
        await tracking.close();
      }
      for (const m of register) {
        promote.push(
          await deps.registry.registerVersion(
            {
              modelName: m.name,
              runId,
              artifactPath: artifactPath(m.name),
              signature: m.signature,
              metrics: {},
              description: BOOTSTRAP_DESCRIPTION,
            },
            BOOTSTRAP_ACTOR,
          ),
        );
      }
    }
    const promoted: Record<string, number> = {};
    for (const v of promote) {
      await deps.registry.moveStage(
        {
          modelName: v.modelName,
          version: v.version,
          to: 'production',
          reason: 'bootstrap: the registry had no production version',
        },
        BOOTSTRAP_ACTOR,
      );
      promoted[v.modelName] = v.version;
    }
    deps.log.warn(
      { promoted, runId },
      'registered the bootstrap models (built from parameters, not trained)',
    );
    return { promoted, runId };
  });
}

export function artifactPath(name: string): string {
  return `models/${name}.onnx`;
}

/** A pool-like source of one connection (pg.Pool). */
export interface LockConnectionPool {
  connect(): Promise<{ query(sql: string, values: unknown[]): Promise<unknown>; release(): void }>;
}

/**
 * Runs `work` holding a session-level advisory lock on its own connection; the lock goes with
 * the connection if the process dies, so a crashed engine never blocks the next one.
 */
export function advisoryLock(pool: LockConnectionPool, key: number) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [key]);
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  };
}
