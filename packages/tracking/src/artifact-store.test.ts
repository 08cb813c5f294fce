import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { LocalDirectoryArtifactStore, sha256Of } from './artifact-store';
import { defineArtifactStoreContractTests } from './artifact-store.contract';

const tmpRoot = () => mkdtemp(path.join(os.tmpdir(), 'tp-artifacts-'));

defineArtifactStoreContractTests(
  'LocalDirectoryArtifactStore',
  async () => new LocalDirectoryArtifactStore(await tmpRoot()),
);

describe('LocalDirectoryArtifactStore', () => {
  it('lays files out as <root>/sha256/<2 hex>/<hash> and leaves no temporary files', async () => {
    const root = await tmpRoot();
    const store = new LocalDirectoryArtifactStore(root);
    const { sha256 } = await store.put(new TextEncoder().encode('abc'));
    const dir = path.join(root, 'sha256', sha256.slice(0, 2));
    expect(await readdir(dir)).toEqual([sha256]);
  });

  it('detects bytes that changed on disk after they were stored', async () => {
    const root = await tmpRoot();
    const store = new LocalDirectoryArtifactStore(root);
    const { sha256 } = await store.put(new TextEncoder().encode('original'));
    await writeFile(path.join(root, 'sha256', sha256.slice(0, 2), sha256), 'tampered');
    await expect(store.get(sha256)).rejects.toMatchObject({ code: 'ARTIFACT_CORRUPT' });
    expect(sha256).toBe(sha256Of(new TextEncoder().encode('original')));
  });
});
