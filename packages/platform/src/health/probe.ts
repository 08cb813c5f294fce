export interface ComponentHealth {
  name: string;
  state: 'up' | 'down';
  latencyMs: number | null;
  detail: string | null;
}

export interface HealthReport {
  ok: boolean;
  components: ComponentHealth[];
}

/** Runs a health check with a deadline; reports up (with latency and detail) or down (with the reason). */
export async function probe(
  name: string,
  check: () => Promise<string | null>,
  timeoutMs = 1500,
): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name, state: 'up', latencyMs: Math.round((performance.now() - started) * 100) / 100, detail };
  } catch (err) {
    return { name, state: 'down', latencyMs: null, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
