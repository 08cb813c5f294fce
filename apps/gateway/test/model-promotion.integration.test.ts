/**
 * A promotion through the gateway reaches the engine by the stage-change message, not by the
 * engine's registry poll: the poll is set to 10 minutes here, so only the message can have
 * swapped the version in within seconds.
 */
import { channels, modelStageChange, type ModelStageChange } from '@tradeplane/contracts';
import { createQueueConnection } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../../test/stack';
import { startPromotionStack, type PromotionStack } from './promotion-stack';

const POLL_S = 600;
let stack: PromotionStack;
const listener = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
const messages: ModelStageChange[] = [];

beforeAll(async () => {
  await listener.subscribe(channels.modelStageChanged);
  listener.on('message', (_channel, message) => messages.push(modelStageChange.parse(JSON.parse(message))));
  stack = await startPromotionStack('tradeplane_test_promotion', { ENGINE_MODEL_POLL_S: String(POLL_S) });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  listener.disconnect();
});

describe('moveModelStage', () => {
  it('tells the engines, which serve the promoted version at once instead of on their poll', async () => {
    const version = await stack.registerMomentum();
    const { servingMs } = await stack.promote(version, 10_000);
    expect(servingMs).toBeLessThan(5_000); // the default poll interval; the poll here is 600 s
    expect(messages).toContainEqual({
      modelName: 'momentum',
      version,
      from: 'none',
      to: 'production',
      archived: 1,
    });
  });

  it('announces every stage move, live or not', async () => {
    const version = await stack.registerMomentum();
    const moved = await stack.admin.gql(
      `mutation{ moveModelStage(input:{ modelName:"momentum", version:${version}, to: staging, reason:"review" }){
        version{ stage } } }`,
    );
    expect(moved.errors).toBeUndefined();
    await expect
      .poll(() => messages.find((m) => m.version === version), { timeout: 5_000 })
      .toEqual({
        modelName: 'momentum',
        version,
        from: 'none',
        to: 'staging',
        archived: null,
      });
  });
});
