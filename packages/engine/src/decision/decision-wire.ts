/**
 * The two wire forms of one decision, spliced from a single `JSON.stringify` of the body so
 * the request path serialises the decision once:
 *   predict response = body + `shadow: null` + `tradingState`
 *   decision event   = `schemaVersion` + body + `shadow`
 * Splicing members into the text is exact: the body is a non-empty JSON object, so its text
 * is `{…}` with at least one member.
 */
import { DECISION_EVENT_SCHEMA_VERSION, type DecidingState, type ShadowOutcome } from '@tradeplane/contracts';

/** The predict response (contracts `predictResponse`) from `JSON.stringify(body)`. */
export function predictResponseJson(bodyJson: string, state: DecidingState): string {
  return `${bodyJson.slice(0, -1)},"shadow":null,"tradingState":"${state}"}`;
}

/** The decision event (contracts `decisionEvent`) from `JSON.stringify(body)`. */
export function decisionEventJson(bodyJson: string, shadow: ShadowOutcome | null): string {
  return `{"schemaVersion":${DECISION_EVENT_SCHEMA_VERSION},${bodyJson.slice(1, -1)},"shadow":${JSON.stringify(shadow)}}`;
}
