import type { TrainingJob, TrainingProgress } from './operations';

/** Stages after which a job reports nothing more. */
export const TERMINAL_STAGES: ReadonlySet<string> = new Set(['done', 'failed', 'cancelled']);

/** A job can still be cancelled while it waits or runs (and its live progress has not ended). */
export function isCancellable(job: TrainingJob, progress: TrainingProgress | null): boolean {
  if (progress && TERMINAL_STAGES.has(progress.stage)) return false;
  return job.state === 'waiting' || job.state === 'active' || job.state === 'delayed';
}

/** Still going, as far as the console knows: worth following live. */
export function isRunning(job: TrainingJob, progress: TrainingProgress | null): boolean {
  if (progress && TERMINAL_STAGES.has(progress.stage)) return false;
  return job.state !== 'completed' && job.state !== 'failed';
}

/** The newer of the stored progress and the last live one (by `at`; live wins a tie). */
export function latestProgress(
  stored: TrainingProgress | null,
  live: TrainingProgress | undefined,
): TrainingProgress | null {
  if (!live) return stored;
  if (!stored) return live;
  return Date.parse(live.at) >= Date.parse(stored.at) ? live : stored;
}

/**
 * The state chip: the gateway's state, except that live progress which already says the job ended
 * shows that end before the list is read again.
 */
export function displayState(job: TrainingJob, progress: TrainingProgress | null): string {
  if (progress?.stage === 'done' && job.state !== 'failed') return 'completed';
  if (progress?.stage === 'failed') return 'failed';
  if (progress?.stage === 'cancelled') return 'cancelled';
  if (job.state === 'failed' && /cancel/i.test(job.failedReason ?? '')) return 'cancelled';
  return job.state;
}

/** 0..100, clamped; null when unknown. */
export function percent(fraction: number | null | undefined): number | null {
  if (fraction == null || !Number.isFinite(fraction)) return null;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
}

/** Numeric entries of a progress' `metrics`, losses first, then by name. */
export function metricEntries(metrics: Record<string, unknown> | null | undefined): [string, number][] {
  if (!metrics || typeof metrics !== 'object') return [];
  const rank = (k: string) => (k === 'train_loss' ? 0 : k === 'val_loss' ? 1 : k.endsWith('loss') ? 2 : 3);
  return Object.entries(metrics)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

/** `/models?model=…&version=…` for a registered version. */
export function modelVersionHref(modelName: string, version: number | null): string {
  const q = new URLSearchParams({ model: modelName });
  if (version != null) q.set('version', String(version));
  return `/models?${q.toString()}`;
}

/**
 * The versions a finished job registered, under the engine's model names; a job finished before
 * the gateway listed them shows its one recorded version.
 */
export function registeredVersions(job: TrainingJob): { modelName: string; version: number | null }[] {
  if (job.versions?.length) return job.versions;
  return job.modelName ? [{ modelName: job.modelName, version: job.modelVersion }] : [];
}
