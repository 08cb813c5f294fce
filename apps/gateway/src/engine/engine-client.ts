import { GatewayError } from '../errors/graphql-errors';

interface EngineErrorBody {
  error?: { code?: string; message?: string; field?: string };
}

/** Calls the engine's HTTP API with the gateway's own API key; maps its errors to gateway codes. */
export class EngineClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 5000,
  ) {}

  async get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { 'x-api-key': this.apiKey },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new GatewayError(
        'UPSTREAM_UNAVAILABLE',
        `engine unreachable at ${this.baseUrl}: ${(err as Error).message}`,
      );
    }
    if (res.ok) return (await res.json()) as T;
    const body = (await res.json().catch(() => ({}))) as EngineErrorBody;
    const message = body.error?.message ?? `engine answered ${res.status}`;
    if (res.status === 400) throw new GatewayError('BAD_USER_INPUT', message, body.error?.field);
    if (res.status === 404) throw new GatewayError('NOT_FOUND', message);
    throw new GatewayError('UPSTREAM_UNAVAILABLE', message);
  }

  async healthz(): Promise<{ ok: boolean; components: Array<{ name: string; state: string }> }> {
    const res = await fetch(new URL('/healthz', this.baseUrl), { signal: AbortSignal.timeout(1000) });
    return (await res.json()) as { ok: boolean; components: Array<{ name: string; state: string }> };
  }
}
