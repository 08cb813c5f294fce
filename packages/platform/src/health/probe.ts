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

/** Absolute file paths (POSIX, `file://`, Windows drive) of two segments or more. */
const ABSOLUTE_PATH = /(?:file:\/\/)?(?:[A-Za-z]:)?(?:[\\/][\w.@+~-]+){2,}[\\/]?/g;
const MAX_DETAIL = 600;
const MAX_FAILURE = 160;

/**
 * A detail as an anonymous caller may read it: its first line (never a stack), absolute paths
 * replaced by `…`, at most `max` characters.
 */
export function publicDetail(text: string, max = MAX_DETAIL): string {
  const line = text.split('\n', 1)[0]!.replace(ABSOLUTE_PATH, '…');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Why a check failed, short: the system error code (ECONNREFUSED …) when there is one. */
function failureDetail(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return publicDetail(err instanceof Error ? err.message : String(err), MAX_FAILURE);
}

/** A health report with every string in it as `publicDetail` shows it, for an anonymous /healthz. */
export function publicHealthReport<R extends HealthReport>(report: R): R {
  return JSON.parse(
    JSON.stringify(report, (_key, value: unknown) =>
      typeof value === 'string' ? publicDetail(value) : value,
    ),
  ) as R;
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
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return { name, state: 'up', latencyMs, detail: detail === null ? null : publicDetail(detail) };
  } catch (err) {
    return { name, state: 'down', latencyMs: null, detail: failureDetail(err) };
  } finally {
    clearTimeout(timer);
  }
}
