import type { DecisionEvent, DecisionForensics } from '@tradeplane/contracts';

/**
 * Set on a presented decision that was read from the forensics table (`decision(id)` past the
 * mirror), so `Decision.forensics` answers from it instead of reading the same row again.
 */
export const STORED_FORENSICS = Symbol('stored forensics');

/** `name → version` as a list, in the map's order (the engine's: specialists, then the meta-controller). */
export function versionList(versions: Record<string, number>) {
  return Object.entries(versions).map(([name, version]) => ({ name, version }));
}

/**
 * The event as the schema shows it: maps become lists, times become DateTimes. `stored`: the
 * forensics row it was read from (Decision.forensics then needs no second read). The row keeps
 * the event's JSON text as published (a JSON column), so its maps are in the engine's order.
 */
export function presentDecision(e: DecisionEvent, stored?: DecisionForensics) {
  return {
    ...e,
    at: new Date(e.at),
    symbols: e.targets.map((t) => t.symbol),
    targets: e.targets.map((t) => ({
      ...t,
      features: Object.entries(t.features).map(([name, value]) => ({ name, value })),
    })),
    models: { arm: e.models.arm, versions: versionList(e.models.versions) },
    shadow: e.shadow && {
      arm: e.shadow.arm ?? null,
      versions: versionList(e.shadow.versions),
      targets: e.shadow.targets,
      risk: e.shadow.risk ?? null,
    },
    ...(stored ? { [STORED_FORENSICS]: stored } : {}),
  };
}
