import { sendError, type HttpErrorCode, type Logger } from '@tradeplane/platform';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';

/** What body-parser and the router set on the errors they raise (`type`, `status`). */
interface HttpLayerError {
  type?: string;
  status?: number;
}

/** The error envelope for a failure of the HTTP layer itself, by body-parser's `type` or the status. */
function classify(err: HttpLayerError): { code: HttpErrorCode; message: string } {
  switch (err.type) {
    case 'entity.parse.failed':
      return { code: 'BAD_REQUEST', message: 'the request body is not valid JSON' };
    case 'entity.too.large':
      return { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the gateway accepts' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { code: 'BAD_REQUEST', message: 'the request body’s encoding is not supported' };
    default:
      return err.status !== undefined && err.status >= 400 && err.status < 500
        ? { code: 'BAD_REQUEST', message: 'the request is malformed' }
        : { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' };
  }
}

/**
 * The last handlers of the gateway's Express app: an unknown route or method, a malformed or
 * oversized body, a path that does not decode, answer in the platform's JSON error envelope,
 * never as Express's HTML pages (which carry stack traces in development).
 */
export function jsonErrorPages(app: Express, logger: Logger): void {
  const notFound: RequestHandler = (req, res) => {
    sendError(res, 'NOT_FOUND', `no route ${req.method} on this path`);
  };
  const failed: ErrorRequestHandler = (err: HttpLayerError, _req, res, _next) => {
    const { code, message } = classify(err);
    if (code === 'INTERNAL_SERVER_ERROR') logger.error({ err }, 'unexpected HTTP error');
    if (res.headersSent) return void res.destroy();
    sendError(res, code, message);
  };
  app.use(notFound);
  app.use(failed);
}
