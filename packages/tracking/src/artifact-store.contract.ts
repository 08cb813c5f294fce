import { describe, expect, it } from 'vitest';

import { sha256Of, type ArtifactStore } from './artifact-store';

/**
 * What every ArtifactStore must do, run against each implementation (the local directory
 * now; an object store later) with a factory that gives a fresh, empty store.
 */
export function defineArtifactStoreContractTests(name: string, factory: () => Promise<ArtifactStore>): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    it('stores bytes under their sha256 and gives them back', async () => {
      const store = await factory();
      const bytes = new TextEncoder().encode('weights v1');
      const put = await store.put(bytes);
      expect(put).toEqual({ sha256: sha256Of(bytes), size: bytes.byteLength });
      expect(await store.has(put.sha256)).toBe(true);
      expect(new Uint8Array(await store.get(put.sha256))).toEqual(bytes);
    });

    it('stores identical bytes once and answers the same address', async () => {
      const store = await factory();
      const bytes = new Uint8Array([1, 2, 3]);
      const [a, b] = await Promise.all([store.put(bytes), store.put(new Uint8Array([1, 2, 3]))]);
      expect(a).toEqual(b);
      expect(new Uint8Array(await store.get(a.sha256))).toEqual(bytes);
    });

    it('stores empty content', async () => {
      const store = await factory();
      const put = await store.put(new Uint8Array());
      expect(put.size).toBe(0);
      expect((await store.get(put.sha256)).byteLength).toBe(0);
    });

    it('says an unknown hash is absent and fails to get it', async () => {
      const store = await factory();
      const unknown = sha256Of(new TextEncoder().encode('never stored'));
      expect(await store.has(unknown)).toBe(false);
      await expect(store.get(unknown)).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
    });

    it('refuses something that is not a sha256 instead of reading an arbitrary path', async () => {
      const store = await factory();
      await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'ARTIFACT_BAD_HASH' });
    });
  });
}
