import {
  registryErrorCodes,
  RegistryError,
  RolloutError,
  rolloutErrorCodes,
  TrackingError,
  trackingErrorCodes,
} from '@tradeplane/db';
import { RolloutActionError } from '@tradeplane/models/rollouts';
import { CursorError, type Logger } from '@tradeplane/platform';
import { RiskReportError, riskReportErrorCodes } from '@tradeplane/risk';
import { TrainingJobError, trainingJobErrorCodes } from '@tradeplane/training/service';
import { describe, expect, it } from 'vitest';
import { GRAPHQL_TRANSLATION, type DomainError } from './domain-errors';
import { formatError, GatewayError } from './graphql-errors';

/** One error of every code of every domain, as the domains throw them. */
const everyDomainError: DomainError[] = [
  ...registryErrorCodes.map((code) => new RegistryError(code, `registry says ${code}`)),
  ...trackingErrorCodes.map((code) => new TrackingError(code, `tracking says ${code}`, 'runId')),
  new CursorError('after', 'after is not a cursor returned by this query'),
  ...riskReportErrorCodes.map((code) => new RiskReportError(code, `risk report says ${code}`, 'symbols[1]')),
  ...trainingJobErrorCodes.map((code) => new TrainingJobError(code, 'universe[1]', `training says ${code}`)),
  ...rolloutErrorCodes.map((code) => new RolloutError(code, `rollouts say ${code}`)),
  new RolloutActionError('only a paused rollout resumes'),
];

function format(original: unknown) {
  const logged: Array<{ context: object; message: string }> = [];
  const logger = {
    error: (context: object, message: string) => logged.push({ context, message }),
  } as unknown as Logger;
  // Apollo hands formatError the thrown error wrapped in a GraphQLError, which formatError
  // unwraps; given the error itself, unwrapping leaves it as it is.
  const formatted = formatError(logger)({ message: 'thrown', path: ['q'] }, original);
  return { formatted, logged };
}

describe('the domain error table', () => {
  it('maps exactly the codes the domains declare', () => {
    const declared = [...new Set(everyDomainError.map((e) => e.code))].sort();
    expect(Object.keys(GRAPHQL_TRANSLATION).sort()).toEqual(declared);
  });

  it('translates every domain code, keeping the message and naming the field', () => {
    for (const err of everyDomainError) {
      const { formatted, logged } = format(err);
      expect(formatted.extensions?.code, err.code).toBe(GRAPHQL_TRANSLATION[err.code].code);
      expect(formatted.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect(formatted.message).toBe(err.message);
      expect(formatted.path).toEqual(['q']);
      expect(logged).toEqual([]);
    }
  });

  it('names the mutation argument of a registry error, and the error’s own field otherwise', () => {
    const field = (err: unknown) => format(err).formatted.extensions;
    expect(
      field(new TrainingJobError('TRAINING_UNKNOWN_SYMBOL', 'universe[1]', 'unknown symbol NOPE')),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'config.universe[1]',
    });
    expect(field(new RegistryError('REGISTRY_RUN_NOT_FOUND', 'no run'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.runId',
    });
    expect(field(new RegistryError('REGISTRY_VERSION_NOT_FOUND', 'no version'))).toEqual({
      code: 'NOT_FOUND',
      field: 'input.version',
    });
    expect(field(new RegistryError('REGISTRY_SAME_STAGE', 'already'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.to',
    });
    expect(field(new TrackingError('TRACKING_RUN_NOT_FOUND', 'no run', 'runId'))).toEqual({
      code: 'NOT_FOUND',
      field: 'runId',
    });
    expect(field(new CursorError('after', 'bad'))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(field(new RiskReportError('RISK_REPORT_TOO_FEW_DAYS', 'short', 'from'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'from',
    });
    expect(field(new TrackingError('TRACKING_INVALID_INPUT', 'bad', undefined))).toEqual({
      code: 'BAD_USER_INPUT',
    });
  });

  it('passes the gateway’s own errors through with their code and field', () => {
    expect(format(new GatewayError('FORBIDDEN', 'needs admin')).formatted).toMatchObject({
      message: 'needs admin',
      extensions: { code: 'FORBIDDEN' },
    });
    expect(format(new GatewayError('BAD_USER_INPUT', 'bad', 'first')).formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });

  it('answers anything else with a plain INTERNAL_SERVER_ERROR, logged with its path', () => {
    const secret = new Error('connection to 10.0.0.7:5432 refused');
    const { formatted, logged } = format(secret);
    expect(formatted).toEqual({
      message: 'internal error',
      path: ['q'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toEqual([{ context: { err: secret, path: ['q'] }, message: 'unexpected resolver error' }]);
  });
});
