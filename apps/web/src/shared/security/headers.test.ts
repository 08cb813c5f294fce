import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, hostNameOf } from './headers';

const directive = (policy: string, name: string) =>
  policy
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.split(' ')
    .slice(1);

describe('contentSecurityPolicy', () => {
  const policy = contentSecurityPolicy({
    nonce: 'abc=',
    host: 'localhost',
    gatewayWsPort: '4000',
    development: false,
  });

  it('runs only scripts with the nonce, and nothing evaluated, in production', () => {
    expect(directive(policy, 'script-src')).toEqual(["'self'", "'nonce-abc='", "'strict-dynamic'"]);
  });

  it('connects to the console and to the gateway socket on the page host only', () => {
    expect(directive(policy, 'connect-src')).toEqual([
      "'self'",
      'ws://localhost:4000',
      'wss://localhost:4000',
    ]);
  });

  it('forbids framing, plugins and foreign form targets', () => {
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'form-action')).toEqual(["'self'"]);
  });

  it("allows eval only for next dev's overlay", () => {
    const dev = contentSecurityPolicy({
      nonce: 'n',
      host: 'localhost',
      gatewayWsPort: '4000',
      development: true,
    });
    expect(directive(dev, 'script-src')).toContain("'unsafe-eval'");
  });

  it('leaves the gateway socket out without a usable host', () => {
    const noHost = contentSecurityPolicy({
      nonce: 'n',
      host: null,
      gatewayWsPort: '4000',
      development: false,
    });
    expect(directive(noHost, 'connect-src')).toEqual(["'self'"]);
  });
});

describe('hostNameOf', () => {
  it('strips the port', () => {
    expect(hostNameOf('localhost:3000')).toBe('localhost');
    expect(hostNameOf('127.0.0.1:13000')).toBe('127.0.0.1');
    expect(hostNameOf('console.example.com')).toBe('console.example.com');
    expect(hostNameOf('[::1]:3000')).toBe('[::1]');
  });

  it('refuses anything that would add to the policy', () => {
    expect(hostNameOf("evil; script-src 'unsafe-inline'")).toBeNull();
    expect(hostNameOf('a b')).toBeNull();
    expect(hostNameOf('')).toBeNull();
    expect(hostNameOf(null)).toBeNull();
  });
});

describe('createNonce', () => {
  it('is new every time and 128 bits long', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    expect(Buffer.from([...nonces][0]!, 'base64')).toHaveLength(16);
  });
});
