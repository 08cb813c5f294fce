import type { RequestHandler } from 'express';

/**
 * Headers on every gateway response. The gateway serves JSON only (GraphQL, the REST lookup,
 * health, metrics), never a page, so the policy forbids everything a document could load or be
 * framed by; the console's own pages carry their own policy. The console proxies /graphql and
 * /api/v1/forensics without adding headers, so these are the ones those answers get.
 */
export const responseHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  next();
};
