import { RegistryError, RolloutError, TrackingError } from '@tradeplane/db';
import { RolloutActionError } from '@tradeplane/models/rollouts';
import { CursorError } from '@tradeplane/platform';
import { RiskReportError } from '@tradeplane/risk';
import { TrainingJobError } from '@tradeplane/training/service';

/** The `extensions.code` values the gateway answers with (besides Apollo's own). */
export type GraphQLCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  /** The request is well formed but the state it acts on does not allow it (a rollout's). */
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE';

/**
 * Every domain error class whose codes reach the gateway. A new domain's class is one entry
 * here; the compiler then asks for each of its codes in the table below, one line each.
 */
export const domainErrorClasses = [
  RegistryError,
  TrackingError,
  CursorError,
  RiskReportError,
  TrainingJobError,
  RolloutError,
  RolloutActionError,
] as const;

export type DomainError = InstanceType<(typeof domainErrorClasses)[number]>;
export type DomainErrorCode = DomainError['code'];

export interface GraphQLTranslation {
  code: GraphQLCode;
  /**
   * The argument to name in `extensions.field` when the error itself names none: registry
   * errors come only from the mutations whose argument is `input`.
   */
  field?: string;
  /**
   * The argument the error's own field lies in, when the domain names fields relative to it:
   * a training configuration's `universe[1]` is the `startTraining` argument's `config.universe[1]`.
   */
  argument?: string;
}

/**
 * The one table from domain codes to GraphQL codes. A `Record` over the union of every
 * class's codes, so a code added to a domain (or a class added above) does not compile until
 * it is mapped here.
 */
export const GRAPHQL_TRANSLATION: Readonly<Record<DomainErrorCode, GraphQLTranslation>> = {
  // Model registry (registerModelVersion, moveModelStage).
  REGISTRY_RUN_NOT_FOUND: { code: 'BAD_USER_INPUT', field: 'input.runId' },
  REGISTRY_ARTIFACT_NOT_FOUND: { code: 'BAD_USER_INPUT', field: 'input.artifactPath' },
  REGISTRY_VERSION_NOT_FOUND: { code: 'NOT_FOUND', field: 'input.version' },
  REGISTRY_SAME_STAGE: { code: 'BAD_USER_INPUT', field: 'input.to' },
  // Experiment tracking writes; the error names its field.
  TRACKING_INVALID_INPUT: { code: 'BAD_USER_INPUT' },
  TRACKING_RUN_NOT_FOUND: { code: 'NOT_FOUND' },
  TRACKING_PARENT_RUN_NOT_FOUND: { code: 'BAD_USER_INPUT' },
  TRACKING_ARTIFACT_IN_USE: { code: 'BAD_USER_INPUT' },
  // Every paginated list: a cursor it did not hand out; the error names `after`.
  CURSOR_MALFORMED: { code: 'BAD_USER_INPUT' },
  // The risk report; the error names the query's argument.
  RISK_REPORT_UNKNOWN_SYMBOL: { code: 'BAD_USER_INPUT' },
  RISK_REPORT_TOO_FEW_SYMBOLS: { code: 'BAD_USER_INPUT' },
  RISK_REPORT_TOO_FEW_DAYS: { code: 'BAD_USER_INPUT' },
  // startTraining; the error names the configuration field.
  TRAINING_INVALID_CONFIG: { code: 'BAD_USER_INPUT', argument: 'config' },
  TRAINING_UNKNOWN_SYMBOL: { code: 'BAD_USER_INPUT', argument: 'config' },
  TRAINING_RESERVED_NAME: { code: 'BAD_USER_INPUT', argument: 'config' },
  // Rollouts (startRollout and the manual actions): another is active, someone acted first,
  // it has ended, or the action does not apply to its state (resume of a running one).
  ROLLOUT_NOT_FOUND: { code: 'NOT_FOUND', field: 'id' },
  ROLLOUT_ACTIVE_EXISTS: { code: 'CONFLICT' },
  ROLLOUT_STALE: { code: 'CONFLICT' },
  ROLLOUT_ENDED: { code: 'CONFLICT' },
  ROLLOUT_ACTION_INVALID: { code: 'CONFLICT' },
};

export function isDomainError(err: unknown): err is DomainError {
  return domainErrorClasses.some((type) => err instanceof type);
}

/** The GraphQL code and field of a domain error: the error's own field first, else the table's. */
export function translateDomainError(err: DomainError): { code: GraphQLCode; field?: string } {
  const translation = GRAPHQL_TRANSLATION[err.code];
  const own = 'field' in err ? err.field : undefined;
  const field = own && translation.argument ? `${translation.argument}.${own}` : (own ?? translation.field);
  return { code: translation.code, ...(field ? { field } : {}) };
}
