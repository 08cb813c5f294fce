import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';

import {
  BufferedEventPublisher,
  type BufferedPublisherOptions,
  type EventSender,
  type OutgoingEvent,
} from './buffered-publisher';

/** A Kafka stand-in: records what it accepted; can be down, or hold a send until released. */
class FakeSender implements EventSender {
  readonly received: OutgoingEvent[] = [];
  readonly batchSizes: number[] = [];
  readonly attempts: number[] = [];
  down = false;
  private held: Array<() => void> = [];
  holding = false;

  async send(_topic: string, events: readonly OutgoingEvent[]): Promise<void> {
    this.attempts.push(performance.now());
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.down) throw new Error('broker unreachable');
    this.received.push(...events);
    this.batchSizes.push(events.length);
  }

  /** Lets held sends finish (they then succeed or fail according to `down`). */
  release(): void {
    this.holding = false;
    for (const resolve of this.held.splice(0)) resolve();
  }

  get pendingHeld(): number {
    return this.held.length;
  }

  ids(): number[] {
    return this.received.map((e) => Number(e.key));
  }
}

const publishers: BufferedEventPublisher[] = [];
afterEach(async () => {
  await Promise.all(publishers.splice(0).map((p) => p.close(100)));
});

async function spoolPath(): Promise<string> {
  return path.join(await mkdtemp(path.join(os.tmpdir(), 'tp-publisher-')), 'events-test.jsonl');
}

async function openPublisher(
  sender: EventSender,
  options: Partial<BufferedPublisherOptions> & { spoolPath: string },
): Promise<BufferedEventPublisher> {
  const publisher = await BufferedEventPublisher.open({
    topic: 'test',
    sender,
    lingerMs: 1,
    backoffMinMs: 5,
    backoffMaxMs: 20,
    ...options,
  });
  publishers.push(publisher);
  return publisher;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function publishRange(publisher: BufferedEventPublisher, from: number, to: number): void {
  for (const n of range(from, to)) publisher.publish(String(n), { id: n });
}

async function spillLines(file: string): Promise<Array<{ k: string; v: string; t: number }>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { k: string; v: string; t: number });
}

describe('BufferedEventPublisher', () => {
  it('sends every event once, in publish order, many per send', async () => {
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: await spoolPath(), batchMaxEvents: 100 });
    publishRange(publisher, 0, 1_000);
    await waitFor(() => publisher.stats().sent === 1_000, 'all sent');
    expect(sender.ids()).toEqual(range(0, 1_000));
    expect(sender.received[0]).toEqual({ key: '0', value: '{"id":0}' });
    expect(Math.max(...sender.batchSizes)).toBe(100);
    expect(sender.batchSizes.length).toBeLessThanOrEqual(20);
    expect(publisher.stats()).toMatchObject({ unsent: 0, spilled: 0, spilledTotal: 0 });
  });

  it('caps a batch by bytes as well as by count', async () => {
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: await spoolPath(), batchMaxBytes: 1_000 });
    const value = 'x'.repeat(299); // 300 bytes with its one-byte key
    for (let i = 0; i < 9; i++) publisher.publish(String(i), value);
    await waitFor(() => publisher.stats().sent === 9, 'all sent');
    expect(Math.max(...sender.batchSizes)).toBe(3);
  });

  it('keeps the newest events in memory up to its capacity and spills the oldest to disk', async () => {
    const sender = new FakeSender();
    sender.down = true;
    const file = await spoolPath();
    const publisher = await openPublisher(sender, { spoolPath: file, bufferCapacity: 10 });
    publishRange(publisher, 0, 100);
    expect(publisher.stats()).toMatchObject({ buffered: 10, spilled: 90, spilledTotal: 90, unsent: 100 });
    await waitFor(() => publisher.stats().sendFailures > 0, 'a failed send');
    await waitFor(() => publisher.stats().spilled === 90, 'spill written');
    const onDisk = await spillLines(file);
    expect(onDisk.map((l) => Number(l.k))).toEqual(range(0, 90));
    expect(onDisk[0]?.v).toBe('{"id":0}');

    sender.down = false;
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.ids()).toEqual(range(0, 100));
    expect(await readFile(file, 'utf8')).toBe(''); // committed and truncated
  });

  it('keeps global order from memory to spill and back while publishing goes on', async () => {
    const sender = new FakeSender();
    sender.down = true;
    const publisher = await openPublisher(sender, {
      spoolPath: await spoolPath(),
      bufferCapacity: 10,
      batchMaxEvents: 4,
    });
    publishRange(publisher, 0, 30); // 0..19 spilled, 20..29 in memory
    await waitFor(() => publisher.stats().sendFailures > 0, 'a failed send');
    sender.down = false;
    // Keep publishing while the spill drains: these must come after everything above.
    for (let n = 30; n < 60; n++) {
      publisher.publish(String(n), { id: n });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.ids()).toEqual(range(0, 60));
  });

  it('sends events that overflowed to the spill while in flight only once when that send succeeds', async () => {
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: await spoolPath(), bufferCapacity: 10 });
    sender.holding = true;
    publishRange(publisher, 0, 5);
    await waitFor(() => sender.pendingHeld === 1, 'a send in flight'); // carries 0..4
    publishRange(publisher, 5, 25); // evicts 0..4 (in flight) and 5..14 to the spill
    expect(publisher.stats()).toMatchObject({ buffered: 10, spilled: 15 });
    sender.release();
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.ids()).toEqual(range(0, 25));
  });

  it('resends in order when a send fails after its events overflowed to the spill', async () => {
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: await spoolPath(), bufferCapacity: 10 });
    sender.holding = true;
    publishRange(publisher, 0, 5);
    await waitFor(() => sender.pendingHeld === 1, 'a send in flight');
    publishRange(publisher, 5, 25);
    sender.down = true;
    sender.release();
    await waitFor(() => publisher.stats().sendFailures === 1, 'the failure');
    sender.down = false;
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.ids()).toEqual(range(0, 25));
  });

  it('backs off exponentially between failed sends, up to the maximum, and resets on success', async () => {
    const sender = new FakeSender();
    sender.down = true;
    const publisher = await openPublisher(sender, {
      spoolPath: await spoolPath(),
      backoffMinMs: 20,
      backoffMaxMs: 80,
    });
    publisher.publish('1', 'one');
    await waitFor(() => sender.attempts.length >= 6, 'six attempts');
    expect(publisher.stats().backoffMs).toBe(80);
    const gaps = sender.attempts.slice(1, 6).map((t, i) => t - sender.attempts[i]!);
    // Timers may fire a little early, never much: lower bounds only.
    [20, 40, 80, 80, 80].forEach((min, i) => expect(gaps[i]).toBeGreaterThanOrEqual(min - 2));
    expect(gaps[1]! + gaps[2]!).toBeGreaterThan(gaps[0]! * 2);
    sender.down = false;
    await waitFor(() => publisher.stats().sent === 1, 'sent');
    expect(publisher.stats().backoffMs).toBe(0);
  });

  it('retries a failed batch with the same events first', async () => {
    const sender = new FakeSender();
    sender.down = true;
    const publisher = await openPublisher(sender, { spoolPath: await spoolPath(), batchMaxEvents: 100 });
    publishRange(publisher, 0, 3);
    await waitFor(() => publisher.stats().sendFailures === 1, 'first failure');
    publishRange(publisher, 3, 50);
    sender.down = false;
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.batchSizes[0]).toBe(3);
    expect(sender.ids()).toEqual(range(0, 50));
  });

  it('spills memory on close, behind what was already spilled, and a new process replays it first', async () => {
    const file = await spoolPath();
    const down = new FakeSender();
    down.down = true;
    const first = await openPublisher(down, { spoolPath: file, bufferCapacity: 10 });
    publishRange(first, 0, 15);
    await first.close(50);
    expect(first.stats()).toMatchObject({ state: 'closed', buffered: 0 });
    expect((await spillLines(file)).map((l) => Number(l.k))).toEqual(range(0, 15));
    first.publish('late', 'x');
    expect(first.stats().dropped.closed).toBe(1);

    const up = new FakeSender();
    const second = await openPublisher(up, { spoolPath: file, bufferCapacity: 10 });
    publishRange(second, 15, 20);
    await waitFor(() => second.stats().unsent === 0, 'drained');
    expect(up.ids()).toEqual(range(0, 20));
  });

  it('sends what it can before the close deadline', async () => {
    const file = await spoolPath();
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: file, lingerMs: 1_000 });
    publishRange(publisher, 0, 20);
    await publisher.close(1_000); // does not wait for the linger
    expect(sender.ids()).toEqual(range(0, 20));
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('keeps the events of a send still in flight at the close deadline', async () => {
    const file = await spoolPath();
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: file });
    sender.holding = true;
    publishRange(publisher, 0, 5);
    await waitFor(() => sender.pendingHeld === 1, 'a send in flight');
    await publisher.close(20);
    expect((await spillLines(file)).map((l) => Number(l.k))).toEqual(range(0, 5));
    sender.release(); // a late acknowledgement changes nothing
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(publisher.stats()).toMatchObject({ state: 'closed', sent: 0 });
  });

  it('drops, counts and skips events that can never be sent', async () => {
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: await spoolPath(), batchMaxBytes: 2_000 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    publisher.publish('0', { id: 0 });
    publisher.publish('bad', circular);
    publisher.publish('big', 'x'.repeat(5_000));
    publisher.publish('1', { id: 1 });
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.received.map((e) => e.key)).toEqual(['0', '1']);
    expect(publisher.stats().dropped).toMatchObject({ unserializable: 1, too_large: 1 });
  });

  it('sets aside corrupt spill lines and sends the rest', async () => {
    const file = await spoolPath();
    const good = (n: number): string => `${JSON.stringify({ k: String(n), v: `{"id":${n}}`, t: 1 })}\n`;
    await writeFile(file, `${good(0)}not json\n{"k":5}\n${good(1)}`);
    const sender = new FakeSender();
    const publisher = await openPublisher(sender, { spoolPath: file });
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(sender.ids()).toEqual([0, 1]);
    expect(publisher.stats().dropped.corrupt).toBe(2);
    expect((await readFile(`${file}.rejected`, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('reports the age of the oldest unsent event, in the spill or in memory', async () => {
    let now = 1_000_000;
    const sender = new FakeSender();
    sender.down = true;
    const publisher = await openPublisher(sender, {
      spoolPath: await spoolPath(),
      bufferCapacity: 2,
      clock: () => now,
    });
    publisher.publish('0', 'a');
    now += 500;
    publisher.publish('1', 'b');
    publisher.publish('2', 'c'); // '0' (published at 1,000,000) moves to the spill
    now += 1_000;
    expect(publisher.stats().oldestUnsentAgeMs).toBe(1_500);
    sender.down = false;
    await waitFor(() => publisher.stats().unsent === 0, 'drained');
    expect(publisher.stats().oldestUnsentAgeMs).toBe(0);
  });

  it('exposes its counts as Prometheus series labelled by topic', async () => {
    const registry = new Registry();
    const sender = new FakeSender();
    sender.down = true;
    const publisher = await openPublisher(sender, {
      spoolPath: await spoolPath(),
      bufferCapacity: 2,
      metrics: registry,
    });
    publishRange(publisher, 0, 5);
    await waitFor(() => publisher.stats().sendFailures > 0, 'a failed send');
    const text = await registry.metrics();
    expect(text).toContain('tp_event_publisher_buffered{topic="test"} 2');
    expect(text).toContain('tp_event_publisher_spilled{topic="test"} 3');
    expect(text).toContain('tp_event_publisher_published_total{topic="test"} 5');
    expect(text).toMatch(/tp_event_publisher_send_failures_total\{topic="test"\} [1-9]/);
    expect(text).toContain('tp_event_publisher_dropped_total{topic="test",reason="closed"} 0');
    expect(text).toContain('tp_event_publisher_oldest_unsent_age_seconds{topic="test"}');
    await publisher.close(10);
    expect(await registry.metrics()).not.toContain('topic="test"');
  });

  it('refuses a second publisher on the same spill file', async () => {
    const file = await spoolPath();
    await openPublisher(new FakeSender(), { spoolPath: file });
    await expect(openPublisher(new FakeSender(), { spoolPath: file })).rejects.toMatchObject({
      code: 'SPOOL_LOCKED',
    });
  });
});
