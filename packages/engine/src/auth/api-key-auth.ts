// The authenticator lives in @tradeplane/platform (the gateway checks API keys too); the
// engine keeps this path so its server and public index are unchanged.
export { ApiKeyAuthenticator } from '@tradeplane/platform';
