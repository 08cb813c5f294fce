import { describe, expect, it } from 'vitest';
import { DEFAULT_SIGNATURE, checkSignature } from './signature';

describe('checkSignature', () => {
  it('accepts the default signature', () => {
    expect(checkSignature(DEFAULT_SIGNATURE).ok).toBe(true);
  });

  it('names a JSON syntax error', () => {
    const r = checkSignature('{"inputs": [');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^not valid JSON/);
  });

  it('names the first tensor that is wrong', () => {
    expect(checkSignature('{"inputs": [], "outputs": []}')).toEqual({
      ok: false,
      error: 'inputs must be a non-empty array',
    });
    expect(
      checkSignature(
        '{"inputs": [{"name": "x", "type": "float32", "shape": [null, 3]}], "outputs": [{"name": "y", "type": "float32", "shape": ["n"]}]}',
      ),
    ).toEqual({
      ok: false,
      error: 'outputs[0].shape must be an array of integers (null or -1 for a dynamic dimension)',
    });
  });

  it('refuses an array at the top', () => {
    expect(checkSignature('[]')).toEqual({ ok: false, error: 'must be an object with inputs and outputs' });
  });
});
