import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '@tradeplane/platform';

/**
 * Where artifact bytes live, addressed by their sha256. It needs no database, so artifacts
 * are stored even while PostgreSQL is down; only the (run, path) → sha256 row waits. An object
 * store (S3, GCS) implements the same three calls.
 */
export interface ArtifactStore {
  /** Stores the bytes (a no-op when they are there already) and says where: their sha256. */
  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  /** The bytes stored under `sha256`; fails when absent or when they no longer hash to it. */
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): Promise<boolean>;
}

export type ArtifactStoreErrorCode = 'ARTIFACT_NOT_FOUND' | 'ARTIFACT_CORRUPT' | 'ARTIFACT_BAD_HASH';

export class ArtifactStoreError extends Error {
  constructor(
    readonly code: ArtifactStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ArtifactStoreError';
  }
}

const sha256Hex = /^[0-9a-f]{64}$/;

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Content-addressed files under `<root>/sha256/<first two hex>/<hash>`. A file appears only
 * whole: bytes go to a temporary file in the same directory, are fsynced, then renamed into
 * place and the directory is fsynced, so a crash leaves either nothing or the full file
 * (never a short one under a valid name). Identical bytes are stored once.
 */
export class LocalDirectoryArtifactStore implements ArtifactStore {
  constructor(readonly rootDir: string) {}

  async put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Of(bytes);
    const result = { sha256, size: bytes.byteLength };
    if (await this.has(sha256)) return result;
    const target = this.pathOf(sha256);
    const dir = path.dirname(target);
    const created = await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${sha256}.${randomUUID()}.tmp`);
    try {
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // Concurrent puts of the same bytes each rename a complete copy: the last one wins, harmlessly.
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await fsyncDir(dir);
    if (created) await fsyncDir(path.dirname(dir));
    return result;
  }

  async get(sha256: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ArtifactStoreError(
          'ARTIFACT_NOT_FOUND',
          `sha256 ${sha256}: no such artifact in ${this.rootDir}`,
        );
      }
      throw err;
    }
    if (sha256Of(bytes) !== sha256) {
      throw new ArtifactStoreError(
        'ARTIFACT_CORRUPT',
        `sha256 ${sha256}: stored bytes no longer match their hash`,
      );
    }
    return bytes;
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  private pathOf(sha256: string): string {
    if (!sha256Hex.test(sha256)) {
      throw new ArtifactStoreError(
        'ARTIFACT_BAD_HASH',
        `sha256: must be 64 lowercase hex characters, got ${sha256}`,
      );
    }
    return path.join(this.rootDir, 'sha256', sha256.slice(0, 2), sha256);
  }
}
