import { featureNames, type DecisionEvent, type DecisionForensics } from '@tradeplane/contracts';

/**
 * Set on a presented decision that was read from the forensics table (`decision(id)` past the
 * mirror), so `Decision.forensics` answers from it instead of reading the same row again.
 */
export const STORED_FORENSICS = Symbol('stored forensics');

/**
 * Orders `entries` by the position of their names in `order`; other names keep their relative
 * order, after those. For maps read back from PostgreSQL's JSONB, which reorders object keys.
 */
function ordered<T>(entries: [string, T][], order: readonly string[]): [string, T][] {
  const rank = new Map(order.map((name, i) => [name, i]));
  return entries.sort(([a], [b]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || 0);
}

/**
 * `name → version` as a list; with `specialists` (a stored record's), in the decision's order
 * of specialists, then the rest (the meta-controller).
 */
export function versionList(versions: Record<string, number>, specialists?: readonly { name: string }[]) {
  const entries = Object.entries(versions);
  return (
    specialists
      ? ordered(
          entries,
          specialists.map((s) => s.name),
        )
      : entries
  ).map(([name, version]) => ({
    name,
    version,
  }));
}

/**
 * The event as the schema shows it: maps become lists, times become DateTimes. `stored`: the
 * forensics row it was read from (Decision.forensics then needs no second read); its maps come
 * from JSONB, so they are put back in the engine's order.
 */
export function presentDecision(e: DecisionEvent, stored?: DecisionForensics) {
  const specialists = stored && e.targets[0]?.specialists;
  return {
    ...e,
    at: new Date(e.at),
    symbols: e.targets.map((t) => t.symbol),
    targets: e.targets.map((t) => {
      const features = Object.entries(t.features);
      return {
        ...t,
        features: (stored ? ordered(features, featureNames) : features).map(([name, value]) => ({
          name,
          value,
        })),
      };
    }),
    models: { arm: e.models.arm, versions: versionList(e.models.versions, specialists) },
    shadow: e.shadow && { versions: versionList(e.shadow.versions, specialists), targets: e.shadow.targets },
    ...(stored ? { [STORED_FORENSICS]: stored } : {}),
  };
}
