import { appendFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { DurableSpool, SpoolLockedError } from './durable-spool';

const open: DurableSpool[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function spoolFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(os.tmpdir(), 'tp-spool-')), 'writer.jsonl');
}

async function openSpool(file: string, options = {}): Promise<DurableSpool> {
  const spool = await DurableSpool.open(file, options);
  open.push(spool);
  return spool;
}

/** Reads and commits everything pending, returning the values in order. */
async function drainAll(spool: DurableSpool): Promise<unknown[]> {
  const values: unknown[] = [];
  for (let r = await spool.peek(); r; r = await spool.peek()) {
    values.push(r.value);
    spool.commit(r);
  }
  return values;
}

describe('DurableSpool', () => {
  it('gives lines back in the order they were appended, concurrent appends included', async () => {
    const spool = await openSpool(await spoolFile());
    await spool.append({ n: 0 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => spool.append({ n: i + 1 })));
    expect(spool.pendingCount).toBe(51);
    expect(await drainAll(spool)).toEqual(Array.from({ length: 51 }, (_, n) => ({ n })));
    expect(spool.pendingCount).toBe(0);
  });

  it('peeks a line as soon as it is written, while later appends keep arriving', async () => {
    const spool = await openSpool(await spoolFile());
    let producing = true;
    const producer = (async () => {
      for (let n = 0; producing; n++) await spool.append({ n });
    })();
    const first = await spool.peek();
    producing = false;
    await producer;
    expect(first?.value).toEqual({ n: 0 });
  });

  it('has a line on disk when append resolves, and a reopened spool replays it', async () => {
    const file = await spoolFile();
    const first = await DurableSpool.open(file);
    await first.append({ op: 'a' });
    await first.append({ op: 'b' });
    expect(await readFile(file, 'utf8')).toBe('{"op":"a"}\n{"op":"b"}\n');
    await first.close();

    const second = await openSpool(file);
    expect(second.pendingCount).toBe(2);
    expect(await drainAll(second)).toEqual([{ op: 'a' }, { op: 'b' }]);
  });

  it('truncates the file only after everything read is committed and compacted', async () => {
    const file = await spoolFile();
    const spool = await openSpool(file);
    await spool.append({ n: 1 });
    await spool.append({ n: 2 });
    const head = (await spool.peek())!;
    spool.commit(head);
    await spool.compact();
    expect((await stat(file)).size).toBeGreaterThan(0); // one line still uncommitted
    spool.commit((await spool.peek())!);
    await spool.compact();
    expect((await stat(file)).size).toBe(0);

    await spool.append({ n: 3 });
    expect(await drainAll(spool)).toEqual([{ n: 3 }]);
  });

  it('keeps committed-but-not-compacted lines for the next process (a replay is idempotent)', async () => {
    const file = await spoolFile();
    const spool = await DurableSpool.open(file);
    await spool.append({ n: 1 });
    spool.commit((await spool.peek())!);
    await spool.close(); // a crash before compact
    expect((await openSpool(file)).pendingCount).toBe(1);
  });

  it('ignores and cuts off a torn last line left by a crash mid-append', async () => {
    const file = await spoolFile();
    await writeFile(file, '{"n":1}\n{"n":2}\n{"n":3,"po');
    const spool = await openSpool(file);
    expect(spool.pendingCount).toBe(2);
    await spool.append({ n: 4 });
    expect(await drainAll(spool)).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    expect(await readFile(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":4}\n');
  });

  it('reports an unreadable whole line as corrupt and can set it aside with the reason', async () => {
    const file = await spoolFile();
    await writeFile(file, '{"n":1}\nnot json\n{"n":2}\n');
    const spool = await openSpool(file);
    spool.commit((await spool.peek())!);
    const bad = (await spool.peek())!;
    expect(bad).toMatchObject({ corrupt: true, line: 'not json' });
    await spool.quarantine(bad, 'unreadable');
    expect(await drainAll(spool)).toEqual([{ n: 2 }]);
    const rejected = JSON.parse(await readFile(`${file}.rejected`, 'utf8'));
    expect(rejected).toMatchObject({ reason: 'unreadable', line: 'not json' });
  });

  it('rewrites the file without its committed prefix once that prefix is large', async () => {
    const file = await spoolFile();
    const spool = await openSpool(file, { compactAfterBytes: 64, readChunkBytes: 16 });
    for (let n = 0; n < 20; n++) await spool.append({ n, pad: 'x'.repeat(10) });
    for (let i = 0; i < 15; i++) spool.commit((await spool.peek())!);
    await spool.compact();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).n)).toEqual([15, 16, 17, 18, 19]);
    await spool.append({ n: 20 });
    expect((await drainAll(spool)).map((v) => (v as { n: number }).n)).toEqual([15, 16, 17, 18, 19, 20]);
  });

  it('reads a line longer than its read chunk', async () => {
    const spool = await openSpool(await spoolFile(), { readChunkBytes: 8 });
    const big = { text: 'y'.repeat(1000) };
    await spool.append(big);
    expect(await drainAll(spool)).toEqual([big]);
  });

  it('refuses a second writer on the same file while the first holds it', async () => {
    const file = await spoolFile();
    await openSpool(file);
    await expect(DurableSpool.open(file)).rejects.toBeInstanceOf(SpoolLockedError);
  });

  it('takes over the lock of a process that died', async () => {
    const file = await spoolFile();
    await appendFile(`${file}.lock`, '2147483646'); // no such pid
    const spool = await openSpool(file);
    await spool.append({ ok: true });
    expect(spool.pendingCount).toBe(1);
  });

  it('appends many lines in one call, in order with single appends, and peeks them in batches', async () => {
    const file = await spoolFile();
    const spool = await openSpool(file, { readChunkBytes: 64 });
    const single = spool.append({ n: 0 });
    const many = spool.appendMany(Array.from({ length: 20 }, (_, i) => ({ n: i + 1 })));
    await Promise.all([single, many, spool.appendMany([])]);
    expect(spool.pendingCount).toBe(21);
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(22);

    const first = await spool.peekMany(8);
    expect(first.map((r) => r.value)).toEqual(Array.from({ length: 8 }, (_, n) => ({ n })));
    // Peeking again without committing gives the same lines.
    expect((await spool.peekMany(3)).map((r) => r.value)).toEqual(first.slice(0, 3).map((r) => r.value));
    for (const r of first) spool.commit(r);
    expect((await spool.peekMany(100)).map((r) => r.value)).toEqual(
      Array.from({ length: 13 }, (_, i) => ({ n: i + 8 })),
    );
    expect(spool.pendingCount).toBe(13);
    expect(await drainAll(spool)).toHaveLength(13);
    expect(await spool.peekMany(5)).toEqual([]);
  });
});
