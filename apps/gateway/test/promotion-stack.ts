// An engine and a gateway on one fresh database, and promotions of a momentum version through
// the gateway's moveModelStage: what the promotion integration test and bench:promotion share.
import { randomUUID } from 'node:crypto';
import type { Repositories } from '@tradeplane/db';
import { loadEngineConfig, startEngine, type RunningEngine } from '@tradeplane/engine';
import {
  DEFAULT_MOMENTUM_PARAMS,
  encodeOnnxModel,
  specialistGraph,
  specialistSignature,
} from '@tradeplane/models';
import { createLogger, KafkaAdapter, loadConfig } from '@tradeplane/platform';
import { trackingClient, trackingConfigSchema } from '@tradeplane/tracking';
import {
  decisionEnv,
  freshDatabase,
  healthz,
  openRepos,
  removeDecisionEnv,
  waitFor,
} from '../../../test/decision-stack';
import { loadGatewayConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { graphqlBrowser, type GraphqlBrowser } from './graphql-browser';

const ADMIN = { email: 'admin@promotion.test', password: 'admin-password-for-promotion' };
const MOVE = `mutation($i:MoveModelStageInput!){ moveModelStage(input:$i){ version{ version stage } } }`;

export interface PromotionStack {
  repos: Repositories;
  env: Record<string, string>;
  engine: RunningEngine;
  gateway: RunningGateway;
  admin: GraphqlBrowser;
  /** Registers a new momentum version (a tracked run with its ONNX file); returns its number. */
  registerMomentum(): Promise<number>;
  /**
   * Moves `version` of momentum to production through the gateway and times it: from the
   * mutation returning to the engine's /healthz serving that version.
   */
  promote(version: number, timeoutMs: number): Promise<{ mutationMs: number; servingMs: number }>;
  stop(): Promise<void>;
}

/** Starts both on a fresh database `database`; `engineEnv` is added to the engine's environment. */
export async function startPromotionStack(
  database: string,
  engineEnv: Record<string, string>,
): Promise<PromotionStack> {
  const url = await freshDatabase(database);
  const repos = openRepos(url);
  const topic = `decisions-${database}-${Date.now()}`;
  const env = await decisionEnv(url, topic, { LEAKAGE_SAMPLE_RATE: '0', ...engineEnv });
  const kafka = new KafkaAdapter(env.KAFKA_BROKERS!, `${database}-setup`);
  await kafka.createTopic(topic);
  const silent = createLogger('promotion', 'silent');
  const engine = await startEngine(loadEngineConfig(env), silent);
  const gateway = await startGateway(
    loadGatewayConfig({
      ...env,
      GATEWAY_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ENGINE_URL: engine.url,
    }),
    silent,
  );
  const admin = graphqlBrowser(() => gateway.url);
  const login = await admin.gql('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ id } }', {
    e: ADMIN.email,
    p: ADMIN.password,
  });
  if (login.errors) throw new Error(`login: ${login.errors[0]!.message}`);

  const servedMomentum = async (): Promise<number | undefined> =>
    (await healthz(engine.url)).models?.production?.versions?.momentum;
  await waitFor(async () => (await servedMomentum()) === 1, 60_000, 50);

  let bias = 0;
  return {
    repos,
    env,
    engine,
    gateway,
    admin,
    async registerMomentum() {
      const tracking = await trackingClient({
        config: loadConfig(trackingConfigSchema, env),
        repository: repos.tracking,
        writer: `promotion-${randomUUID()}`,
        owner: 'pm@promotion.test',
      });
      const { runId } = await tracking.startRun({
        experiment: 'momentum-retrain',
        name: 'momentum promotion',
        tags: { label: 'trained' },
      });
      bias += 0.01;
      const bytes = encodeOnnxModel({
        graph: specialistGraph('momentum', { ...DEFAULT_MOMENTUM_PARAMS, bias }),
      });
      await tracking.logArtifact(runId, 'models/momentum.onnx', bytes, 'application/onnx');
      await tracking.endRun(runId);
      await tracking.close();
      const version = await repos.registry.registerVersion(
        {
          modelName: 'momentum',
          runId,
          artifactPath: 'models/momentum.onnx',
          signature: specialistSignature,
          metrics: {},
        },
        { by: 'pm@promotion.test', auditActor: 'user:promotion-test' },
      );
      return version.version;
    },
    async promote(version, timeoutMs) {
      const t0 = performance.now();
      const moved = await admin.gql(MOVE, {
        i: { modelName: 'momentum', version, to: 'production', reason: 'promotion timing' },
      });
      const t1 = performance.now();
      if (moved.errors) throw new Error(`moveModelStage: ${moved.errors[0]!.message}`);
      await waitFor(async () => (await servedMomentum()) === version, timeoutMs, 2);
      return { mutationMs: t1 - t0, servingMs: performance.now() - t1 };
    },
    async stop() {
      await gateway.stop();
      await engine.stop();
      await kafka.deleteTopic(topic).catch(() => undefined);
      await kafka.close();
      await repos.db.close();
      await removeDecisionEnv(env);
    },
  };
}
