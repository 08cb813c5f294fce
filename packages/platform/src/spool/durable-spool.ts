import { appendFile, mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** One line of the spool, oldest uncommitted first. */
export interface SpoolRecord {
  /** The parsed JSON, or undefined when the line is not JSON (`corrupt`). */
  readonly value: unknown;
  readonly line: string;
  readonly corrupt: boolean;
  /** Byte offset just past this line's newline. */
  readonly end: number;
}

export interface DurableSpoolOptions {
  /** Rewrite the file without its committed prefix once that prefix passes this size (bytes). */
  compactAfterBytes?: number;
  /** Bytes read per step while replaying. */
  readChunkBytes?: number;
}

/** Another live process (or another client in this one) writes to this spool. */
export class SpoolLockedError extends Error {
  readonly code = 'SPOOL_LOCKED' as const;
}

type QueueItem =
  | { kind: 'append'; data: string; lines: number; resolve: () => void; reject: (err: unknown) => void }
  | { kind: 'task'; run: () => Promise<void>; resolve: () => void; reject: (err: unknown) => void };

const newline = 0x0a;

/** Makes a directory's entries (a file created or renamed in it) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<file>.lock` (our pid inside); a lock left by a dead process is taken over. */
async function acquireLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) {
      throw new SpoolLockedError(
        `spool ${lockPath.slice(0, -'.lock'.length)} is in use by process ${owner}; give each writer its own spool`,
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new SpoolLockedError(`could not take the spool lock ${lockPath}`);
}

/**
 * An append-only JSON-lines file that survives crashes: `append` resolves once the line is
 * on disk (write + fdatasync; concurrent appends share one sync), lines are read back in
 * the order they were appended, and the file is truncated (or rewritten without its
 * committed prefix) only after the consumer has committed what it read. A crash while
 * appending leaves at most a torn last line, which `open` cuts off: that line's append never
 * resolved. One consumer at a time calls `peek`/`commit`/`compact`.
 */
export class DurableSpool {
  private queue: QueueItem[] = [];
  private loop: Promise<void> | undefined;
  private progressWaiters: Array<() => void> = [];
  /** Offset of the first uncommitted line. */
  private readOffset = 0;
  /** Parsed lines from `readOffset` on, not yet committed, and how far they reach. */
  private readAhead: SpoolRecord[] = [];
  private scanOffset = 0;
  private closed = false;

  private constructor(
    readonly filePath: string,
    private fh: FileHandle,
    /** Bytes written and synced; always at a line boundary. */
    private writtenEnd: number,
    private pending: number,
    private readonly options: Required<DurableSpoolOptions>,
  ) {}

  /** Opens (creating) the spool, takes its lock and cuts off a torn last line. */
  static async open(filePath: string, options: DurableSpoolOptions = {}): Promise<DurableSpool> {
    const dir = path.dirname(filePath);
    await mkdir(dir, { recursive: true });
    const lockPath = `${filePath}.lock`;
    await acquireLock(lockPath);
    try {
      const fh = await open(filePath, 'a+');
      const { size } = await fh.stat();
      // Count whole lines and find the end of the last one, in chunks (a spool can be large).
      const buf = Buffer.allocUnsafe(1 << 20);
      let lines = 0;
      let lastLineEnd = 0;
      for (let pos = 0; pos < size;) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
        if (bytesRead === 0) break;
        for (let i = buf.indexOf(newline, 0); i !== -1 && i < bytesRead; i = buf.indexOf(newline, i + 1)) {
          lines++;
          lastLineEnd = pos + i + 1;
        }
        pos += bytesRead;
      }
      if (lastLineEnd < size) {
        await fh.truncate(lastLineEnd);
        await fh.datasync();
      }
      return new DurableSpool(filePath, fh, lastLineEnd, lines, {
        compactAfterBytes: options.compactAfterBytes ?? 16 << 20,
        readChunkBytes: options.readChunkBytes ?? 1 << 20,
      });
    } catch (err) {
      await rm(lockPath, { force: true });
      throw err;
    }
  }

  /** Lines appended (or found at open) and not yet committed, including appends still syncing. */
  get pendingCount(): number {
    return this.pending;
  }

  /** Appends one JSON line; resolves when it is durable. Lines keep the order of the calls. */
  append(value: unknown): Promise<void> {
    return this.appendMany([value]);
  }

  /**
   * Appends several JSON lines in one queue entry (one promise, one string): the cheap way
   * to spill a burst. All or none of them are durable when it settles.
   */
  appendMany(values: readonly unknown[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`spool ${this.filePath} is closed`));
    if (values.length === 0) return Promise.resolve();
    let data = '';
    for (const value of values) data += `${JSON.stringify(value)}\n`;
    this.pending += values.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'append', data, lines: values.length, resolve, reject });
      this.kick();
    });
  }

  /** The oldest uncommitted line, waiting for appends in flight; undefined when none is left. */
  async peek(): Promise<SpoolRecord | undefined> {
    // Waits for the next write only, not for the queue to empty: appends may keep coming.
    while (this.readAhead.length === 0 && this.scanOffset >= this.writtenEnd && this.loop) {
      await new Promise<void>((resolve) => this.progressWaiters.push(resolve));
    }
    if (this.readAhead.length === 0) await this.readMore();
    return this.readAhead[0];
  }

  /**
   * Up to `max` oldest uncommitted lines, waiting like `peek`; empty when none is left.
   * Commit them in order (each `commit` takes the first one still uncommitted).
   */
  async peekMany(max: number): Promise<SpoolRecord[]> {
    if (!(await this.peek())) return [];
    while (this.readAhead.length < max && this.scanOffset < this.writtenEnd) await this.readMore();
    return this.readAhead.slice(0, max);
  }

  /** Marks the record `peek` returned as stored; the file keeps it until `compact`. */
  commit(record: SpoolRecord): void {
    if (this.readAhead[0] !== record) throw new Error('spool: commit must follow peek, in order');
    this.readAhead.shift();
    this.readOffset = record.end;
    this.pending--;
  }

  /** Keeps a line that cannot be replayed in `<file>.rejected` (with why), then commits it. */
  async quarantine(record: SpoolRecord, reason: string): Promise<void> {
    const entry = JSON.stringify({ at: new Date().toISOString(), reason, line: record.line });
    await appendFile(`${this.filePath}.rejected`, `${entry}\n`, { flush: true });
    this.commit(record);
  }

  /**
   * Drops committed lines from the file: truncates it when everything is committed, or
   * rewrites the uncommitted rest (tmp + fsync + rename) once the committed prefix is large.
   * Runs in the write queue, so no append interleaves with it.
   */
  compact(): Promise<void> {
    return this.enqueueTask(async () => {
      if (this.readOffset === 0) return;
      if (this.readOffset === this.writtenEnd) {
        await this.fh.truncate(0);
        await this.fh.datasync();
        this.writtenEnd = this.readOffset = this.scanOffset = 0;
        this.readAhead = [];
        return;
      }
      if (this.readOffset < this.options.compactAfterBytes) return;
      const tmpPath = `${this.filePath}.tmp`;
      const tmp = await open(tmpPath, 'w');
      try {
        const buf = Buffer.allocUnsafe(this.options.readChunkBytes);
        for (let pos = this.readOffset; pos < this.writtenEnd;) {
          const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, this.writtenEnd - pos), pos);
          await tmp.write(buf, 0, bytesRead);
          pos += bytesRead;
        }
        await tmp.sync();
      } finally {
        await tmp.close();
      }
      await rename(tmpPath, this.filePath);
      await fsyncDir(path.dirname(this.filePath));
      await this.fh.close();
      this.fh = await open(this.filePath, 'a+');
      this.writtenEnd -= this.readOffset;
      this.readOffset = this.scanOffset = 0;
      this.readAhead = [];
    });
  }

  /** Waits for queued appends, then releases the file and its lock. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle();
    await this.fh.close();
    await rm(`${this.filePath}.lock`, { force: true });
  }

  private async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private enqueueTask(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'task', run, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.loop) return;
    this.loop = this.drainQueue().finally(() => {
      this.loop = undefined;
      this.notifyProgress();
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.kind === 'task') {
        this.queue.shift();
        await head.run().then(head.resolve, head.reject);
        this.notifyProgress();
        continue;
      }
      // Group commit: every append queued so far goes out in one write and one sync.
      let n = 0;
      while (n < this.queue.length && this.queue[n]!.kind === 'append') n++;
      const group = this.queue.splice(0, n) as Array<Extract<QueueItem, { kind: 'append' }>>;
      const bytes = Buffer.from(group.map((g) => g.data).join(''));
      try {
        for (let off = 0; off < bytes.length;) {
          const { bytesWritten } = await this.fh.write(bytes, off, bytes.length - off);
          off += bytesWritten;
        }
        await this.fh.datasync();
        this.writtenEnd += bytes.length;
        for (const g of group) g.resolve();
      } catch (err) {
        // Cut a partial write back so the file stays whole lines; these appends failed.
        await this.fh.truncate(this.writtenEnd).catch(() => undefined);
        for (const g of group) this.pending -= g.lines;
        for (const g of group) g.reject(err);
      }
      this.notifyProgress();
    }
  }

  private notifyProgress(): void {
    for (const resolve of this.progressWaiters.splice(0)) resolve();
  }

  private async readMore(): Promise<void> {
    let want = this.options.readChunkBytes;
    while (this.scanOffset < this.writtenEnd) {
      const len = Math.min(want, this.writtenEnd - this.scanOffset);
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await this.fh.read(buf, 0, len, this.scanOffset);
      const last = buf.lastIndexOf(newline, bytesRead - 1);
      if (last === -1) {
        // One line longer than the chunk: read more of it at once.
        want *= 2;
        continue;
      }
      let start = 0;
      for (let i = buf.indexOf(newline); i !== -1 && i <= last; i = buf.indexOf(newline, i + 1)) {
        const line = buf.toString('utf8', start, i);
        let value: unknown;
        let corrupt = false;
        try {
          value = JSON.parse(line);
        } catch {
          corrupt = true;
        }
        this.readAhead.push({ value, line, corrupt, end: this.scanOffset + i + 1 });
        start = i + 1;
      }
      this.scanOffset += last + 1;
      return;
    }
  }
}
