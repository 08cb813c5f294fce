import { randomUUID } from 'node:crypto';
import { liveStages, type ModelSignature, type ModelStage } from '@tradeplane/contracts';
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client';
import { latestValues } from './run-queries.repository';
import type { LatestMetric } from './tracking.repository';
import { appendAuditIn, withTransaction } from './transaction';

export interface RegisteredModelRecord {
  name: string;
  description: string | null;
  createdBy: string;
  createdAt: Date;
  /** Newest first. */
  versions: ModelVersionRecord[];
}

export interface ModelVersionRecord {
  id: string;
  modelName: string;
  version: number;
  runId: string | null;
  artifactId: string | null;
  signature: ModelSignature;
  metrics: Record<string, number>;
  description: string | null;
  stage: ModelStage;
  createdBy: string;
  createdAt: Date;
}

export interface StageTransitionRecord {
  id: string;
  modelName: string;
  version: number;
  from: ModelStage;
  to: ModelStage;
  actor: string;
  reason: string | null;
  at: Date;
}

/** Who acts: `by` is stored with the version or transition, `auditActor` in the audit log. */
export interface RegistryActor {
  /** Shown in the registry's history, e.g. the user's email. */
  by: string;
  /** `user:<id>` or `apikey:<prefix>`. */
  auditActor: string;
}

export const registryErrorCodes = [
  'REGISTRY_RUN_NOT_FOUND',
  'REGISTRY_ARTIFACT_NOT_FOUND',
  'REGISTRY_VERSION_NOT_FOUND',
  'REGISTRY_SAME_STAGE',
] as const;
export type RegistryErrorCode = (typeof registryErrorCodes)[number];

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegisterVersionInput {
  modelName: string;
  runId: string;
  /** Logical path of the ONNX artifact within the run. */
  artifactPath: string;
  signature: ModelSignature;
  /** Defaults to the run's latest metrics. */
  metrics?: Record<string, number>;
  description?: string | null;
}

export interface MoveStageInput {
  modelName: string;
  version: number;
  to: ModelStage;
  reason: string;
  /**
   * Called with the version's stage as read under the lock, before anything changes; throw
   * to refuse. Deciding on a stage read earlier would let a concurrent move slip past it.
   */
  authorize?: (from: ModelStage, to: ModelStage) => void;
}

export interface MoveStageResult {
  version: ModelVersionRecord;
  /** The stage the version left. */
  from: ModelStage;
  /** The version that held the target stage and was archived to make room, if any. */
  archived: ModelVersionRecord | null;
}

const VERSION_COLUMNS = `id, model_name, version, run_id, artifact_id, signature, metrics, description, stage,
  created_by, created_at`;

interface VersionRow {
  id: string;
  model_name: string;
  version: number;
  run_id: string | null;
  artifact_id: string | null;
  signature: ModelSignature;
  metrics: Record<string, number>;
  description: string | null;
  stage: ModelStage;
  created_by: string;
  created_at: Date;
}

const toVersion = (r: VersionRow): ModelVersionRecord => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  runId: r.run_id,
  artifactId: r.artifact_id,
  signature: r.signature,
  metrics: r.metrics,
  description: r.description,
  stage: r.stage,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

interface ModelRow {
  name: string;
  description: string | null;
  created_by: string;
  created_at: Date;
}

const isLive = (stage: ModelStage) => (liveStages as readonly string[]).includes(stage);

/**
 * Registered models, versions and stage moves with history. Every write takes the registered
 * model's row lock first, so registrations and moves of one model run one at a time: version
 * numbers have no gaps or duplicates, and two moves into the same stage cannot both see it
 * free. Each change is written to the audit log in the same transaction as the change.
 */
export class ModelRegistryRepository {
  constructor(
    readonly prisma: PrismaClient,
    readonly pool: pg.Pool,
  ) {}

  /** Creates the model if absent and adds the next version (stage `none`) from a run's artifact. */
  registerVersion(input: RegisterVersionInput, actor: RegistryActor): Promise<ModelVersionRecord> {
    return withTransaction(this.pool, async (tx) => {
      const run = await tx.query<{ latest_metrics: Record<string, LatestMetric> }>(
        'SELECT latest_metrics FROM runs WHERE id = $1::uuid',
        [input.runId],
      );
      if (!run.rows[0]) throw new RegistryError('REGISTRY_RUN_NOT_FOUND', `no run ${input.runId}`);
      const artifact = await tx.query<{ id: string }>(
        'SELECT id FROM artifacts WHERE run_id = $1::uuid AND path = $2',
        [input.runId, input.artifactPath],
      );
      if (!artifact.rows[0])
        throw new RegistryError(
          'REGISTRY_ARTIFACT_NOT_FOUND',
          `run ${input.runId} has no artifact at ${input.artifactPath}`,
        );

      await tx.query(
        'INSERT INTO registered_models (name, created_by) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [input.modelName, actor.by],
      );
      await lockModel(tx, input.modelName);
      const { rows } = await tx.query<VersionRow>(
        `INSERT INTO model_versions (id, model_name, version, run_id, artifact_id, signature, metrics, description, created_by)
         SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6, $7, $8
         FROM model_versions WHERE model_name = $2
         RETURNING ${VERSION_COLUMNS}`,
        [
          randomUUID(),
          input.modelName,
          input.runId,
          artifact.rows[0].id,
          JSON.stringify(input.signature),
          JSON.stringify(input.metrics ?? latestValues(run.rows[0].latest_metrics)),
          input.description ?? null,
          actor.by,
        ],
      );
      const version = toVersion(rows[0]!);
      await audit(tx, actor.auditActor, 'model.register', version, null, {
        runId: input.runId,
        artifactPath: input.artifactPath,
      });
      return version;
    });
  }

  /**
   * Moves a version to `to` in one transaction. A version already holding `to` (a live stage)
   * is archived first; both moves are recorded in the stage history and the audit log.
   */
  moveStage(input: MoveStageInput, actor: RegistryActor): Promise<MoveStageResult> {
    return withTransaction(this.pool, (tx) => moveStageIn(tx, input, actor));
  }

  /** Every model with its versions (newest first), by name. */
  listModels(): Promise<RegisteredModelRecord[]> {
    return this.models(null);
  }

  async getModel(name: string): Promise<RegisteredModelRecord | null> {
    return (await this.models(name))[0] ?? null;
  }

  async getVersion(modelName: string, version: number): Promise<ModelVersionRecord | null> {
    const { rows } = await this.pool.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model_name = $1 AND version = $2`,
      [modelName, version],
    );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  /** Versions registered from a run (its lineage forward), by model then newest first. */
  async versionsByRun(runId: string): Promise<ModelVersionRecord[]> {
    const { rows } = await this.pool.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE run_id = $1::uuid ORDER BY model_name, version DESC`,
      [runId],
    );
    return rows.map(toVersion);
  }

  /** Who moved the version from which stage to which, when and why; newest first. */
  async stageHistory(versionId: string): Promise<StageTransitionRecord[]> {
    const { rows } = await this.pool.query<{
      id: string;
      model_name: string;
      version: number;
      from_stage: ModelStage;
      to_stage: ModelStage;
      actor: string;
      reason: string | null;
      at: Date;
    }>(
      `SELECT t.id::text AS id, v.model_name, v.version, t.from_stage, t.to_stage, t.actor, t.reason, t.at
       FROM model_stage_transitions t JOIN model_versions v ON v.id = t.model_version_id
       WHERE t.model_version_id = $1::uuid ORDER BY t.at DESC, t.id DESC`,
      [versionId],
    );
    return rows.map((r) => ({
      id: r.id,
      modelName: r.model_name,
      version: r.version,
      from: r.from_stage,
      to: r.to_stage,
      actor: r.actor,
      reason: r.reason,
      at: r.at,
    }));
  }

  private async models(name: string | null): Promise<RegisteredModelRecord[]> {
    const [models, versions] = await Promise.all([
      this.pool.query<ModelRow>(
        `SELECT name, description, created_by, created_at FROM registered_models
         WHERE $1::text IS NULL OR name = $1 ORDER BY name`,
        [name],
      ),
      this.pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM model_versions
         WHERE $1::text IS NULL OR model_name = $1 ORDER BY model_name, version DESC`,
        [name],
      ),
    ]);
    const byModel = new Map<string, ModelVersionRecord[]>();
    for (const row of versions.rows) {
      const list = byModel.get(row.model_name) ?? [];
      list.push(toVersion(row));
      byModel.set(row.model_name, list);
    }
    return models.rows.map((m) => ({
      name: m.name,
      description: m.description,
      createdBy: m.created_by,
      createdAt: m.created_at,
      versions: byModel.get(m.name) ?? [],
    }));
  }
}

/**
 * A stage move inside the caller's transaction (a rollout moves several models and its own row
 * in one): takes the model's lock, archives the version holding a live target stage, records
 * both moves in the stage history and the audit log.
 */
export async function moveStageIn(
  tx: pg.PoolClient,
  input: MoveStageInput,
  actor: RegistryActor,
): Promise<MoveStageResult> {
  const notFound = () =>
    new RegistryError(
      'REGISTRY_VERSION_NOT_FOUND',
      `no version ${input.version} of model ${input.modelName}`,
    );
  if (!(await lockModel(tx, input.modelName))) throw notFound();
  const current = await tx.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model_name = $1 AND version = $2`,
    [input.modelName, input.version],
  );
  if (!current.rows[0]) throw notFound();
  const from = current.rows[0].stage;
  input.authorize?.(from, input.to);
  if (from === input.to)
    throw new RegistryError(
      'REGISTRY_SAME_STAGE',
      `${input.modelName}@v${input.version} is already in ${from}`,
    );

  let archived: ModelVersionRecord | null = null;
  if (isLive(input.to)) {
    const holder = await tx.query<VersionRow>(
      `UPDATE model_versions SET stage = 'archived' WHERE model_name = $1 AND stage = $2::model_stage
       RETURNING ${VERSION_COLUMNS}`,
      [input.modelName, input.to],
    );
    if (holder.rows[0]) {
      archived = toVersion(holder.rows[0]);
      const reason = `replaced in ${input.to} by v${input.version}: ${input.reason}`;
      await recordTransition(tx, archived.id, input.to, 'archived', actor.by, reason);
      await audit(tx, actor.auditActor, 'model.stage', archived, reason, {
        from: input.to,
        to: 'archived',
        replacedBy: input.version,
      });
    }
  }
  const moved = await tx.query<VersionRow>(
    `UPDATE model_versions SET stage = $2::model_stage WHERE id = $1 RETURNING ${VERSION_COLUMNS}`,
    [current.rows[0].id, input.to],
  );
  const version = toVersion(moved.rows[0]!);
  await recordTransition(tx, version.id, from, input.to, actor.by, input.reason);
  await audit(tx, actor.auditActor, 'model.stage', version, input.reason, {
    from,
    to: input.to,
    ...(archived ? { archived: archived.version } : {}),
  });
  return { version, from, archived };
}

/** Takes the model's row lock for the rest of the transaction; false when there is no such model. */
async function lockModel(tx: pg.PoolClient, name: string): Promise<boolean> {
  const { rowCount } = await tx.query('SELECT 1 FROM registered_models WHERE name = $1 FOR UPDATE', [name]);
  return rowCount === 1;
}

async function recordTransition(
  tx: pg.PoolClient,
  versionId: string,
  from: ModelStage,
  to: ModelStage,
  actor: string,
  reason: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO model_stage_transitions (model_version_id, from_stage, to_stage, actor, reason)
     VALUES ($1, $2::model_stage, $3::model_stage, $4, $5)`,
    [versionId, from, to, actor, reason],
  );
}

async function audit(
  tx: pg.PoolClient,
  actor: string,
  action: 'model.register' | 'model.stage',
  version: ModelVersionRecord,
  reason: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  await appendAuditIn(tx, {
    actor,
    action,
    target: `${version.modelName}@v${version.version}`,
    reason,
    details,
  });
}
