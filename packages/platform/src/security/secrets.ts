import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex of a high-entropy secret (API keys, session tokens). Such secrets need no salt. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A random secret like `tp_live_<43 base64url chars>`; `prefix` is shown to people, the rest never. */
export function generateSecret(kind: 'key' | 'session'): { secret: string; displayPrefix: string } {
  const secret = `tp_${kind}_${randomBytes(32).toString('base64url')}`;
  return { secret, displayPrefix: secret.slice(0, 12) };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
