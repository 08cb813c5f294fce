// The set-up the integration tests of a consumer of the decisions topic (forensics, outcomes)
// share: a fresh database with real bars, a private decisions topic and its dead-letter topic,
// a real engine publishing to it, and the consumer as deployed (its main.ts in a child process).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Repositories } from '@tradeplane/db';
import { loadEngineConfig, startEngine, type RunningEngine } from '@tradeplane/engine';
import { createLogger, KafkaAdapter, type EventProducer } from '@tradeplane/platform';
import {
  component,
  createApiKey,
  decisionEnv,
  freshDatabase,
  healthz,
  openRepos,
  removeDecisionEnv,
  waitFor,
} from './decision-stack';
import { repoRoot, testEnv } from './stack';

export interface DecisionConsumerStackOptions {
  /** Names the topics, group, database and API key (`forensics` → `decisions-forensics-test-…`). */
  name: string;
  /** The consumer's stand-alone main.ts, relative to the repository root. */
  main: string;
  /** Says which consumer exited, in the error line of a process that failed. */
  label: string;
  /** The consumer's own variables (its group, dead-letter topic, metrics port) from the names. */
  consumerEnv(names: { group: string; dlq: string }): Record<string, string>;
}

/** Running engine and database, filled in by `start`. */
export interface StartedDecisionStack {
  repos: Repositories;
  env: Record<string, string>;
  engine: RunningEngine;
  apiKey: string;
}

export class DecisionConsumerStack {
  readonly topic: string;
  readonly dlq: string;
  readonly group: string;
  readonly kafka: KafkaAdapter;
  readonly producer: EventProducer;
  /** Consumer processes still running. */
  readonly children = new Set<ChildProcess>();
  private repos: Repositories | null = null;
  private env: Record<string, string> | undefined;
  private engine: RunningEngine | null = null;

  constructor(private readonly options: DecisionConsumerStackOptions) {
    this.topic = `decisions-${options.name}-test-${Date.now()}`;
    this.dlq = `${this.topic}.dlq`;
    this.group = `${options.name}-test-${randomUUID()}`;
    this.kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, `${options.name}-test`);
    this.producer = this.kafka.producer();
  }

  /**
   * A fresh database `tradeplane_test_<name>` with the bars `importBars` stores, an API key,
   * the topic (3 partitions) and its dead-letter topic, and an engine publishing to the topic,
   * once its risk model is up.
   */
  async start(importBars: (repos: Repositories) => Promise<void>): Promise<StartedDecisionStack> {
    const { name } = this.options;
    const databaseUrl = await freshDatabase(`tradeplane_test_${name}`);
    const repos = (this.repos = openRepos(databaseUrl));
    await importBars(repos);
    const apiKey = await createApiKey(repos, `${name} test`);
    await this.kafka.createTopic(this.topic, { partitions: 3 });
    await this.kafka.createTopic(this.dlq);
    const env = (this.env = await decisionEnv(databaseUrl, this.topic, { LEAKAGE_SAMPLE_RATE: '0' }));
    const engine = (this.engine = await startEngine(
      loadEngineConfig(env),
      createLogger('engine-test', 'silent'),
    ));
    await waitFor(async () => component(await healthz(engine.url), 'risk-model').state === 'up', 60_000, 100);
    return { repos, env, engine, apiKey };
  }

  /** The consumer as deployed: its main.ts in its own process, on the stack's topic and group. */
  startConsumerProcess(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, this.options.main)], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...this.env,
        ...this.options.consumerEnv({ group: this.group, dlq: this.dlq }),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    child.on('exit', (code, signal) => {
      this.children.delete(child);
      if (code && code !== 0) console.error(`${this.options.label} exited ${code} ${signal}: ${stderr}`);
    });
    this.children.add(child);
    return child;
  }

  /** Kills the consumer processes, stops the engine, deletes the topics, closes everything. */
  async stop(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    await this.engine?.stop();
    await this.producer.disconnect();
    await this.kafka.deleteTopic(this.topic).catch(() => undefined);
    await this.kafka.deleteTopic(this.dlq).catch(() => undefined);
    await this.kafka.close();
    await this.repos?.db.close();
    await removeDecisionEnv(this.env);
  }
}
