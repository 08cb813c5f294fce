import { Kafka, logLevel, type Admin } from 'kafkajs';

/**
 * The one place that knows kafkajs (barely maintained; DESIGN.md asks for a small adapter
 * so it can be replaced). For now: a cluster probe for health checks.
 */
export class KafkaAdapter {
  private readonly kafka: Kafka;
  private admin: Admin | null = null;
  private connecting: Promise<Admin> | null = null;

  constructor(brokers: string, clientId: string) {
    this.kafka = new Kafka({
      clientId,
      brokers: brokers.split(',').map((b) => b.trim()),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 0 },
    });
  }

  /** Describes the cluster: `<n> broker(s), controller <id>`; throws when unreachable. */
  async describe(): Promise<string> {
    try {
      const admin = await this.connectAdmin();
      const cluster = await admin.describeCluster();
      return `${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
    } catch (err) {
      await this.resetAdmin();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.resetAdmin();
  }

  private connectAdmin(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
      return admin;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async resetAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}
