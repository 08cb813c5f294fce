'use client';

import { createClient, type Client } from 'graphql-ws/client';
import type { Operation } from './client';
import { GATEWAY_WS_PORT } from './gateway';

let client: Client | null = null;

/** ws://<page host>:<NEXT_PUBLIC_GATEWAY_WS_PORT|4000>/graphql — same-site, so the session cookie goes along. */
export function gatewayWsUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.hostname}:${GATEWAY_WS_PORT}/graphql`;
}

function getClient(): Client {
  if (!client) {
    client = createClient({ url: gatewayWsUrl(), lazy: true, retryAttempts: 5 });
  }
  return client;
}

export interface SubscriptionHandlers<TData> {
  next: (data: TData) => void;
  error: (err: Error) => void;
  complete?: () => void;
}

/** Subscribe over graphql-ws; returns the unsubscribe function. Browser only. */
export function subscribe<TData, TVars extends Record<string, unknown>>(
  op: Operation<TData, TVars>,
  variables: TVars,
  handlers: SubscriptionHandlers<TData>,
): () => void {
  return getClient().subscribe<TData>(
    { query: op.query, variables },
    {
      next: (result) => {
        const first = result.errors?.[0];
        if (first) {
          const code = (first.extensions as { code?: unknown } | undefined)?.code;
          handlers.error(new Error(typeof code === 'string' ? `${first.message} (${code})` : first.message));
          return;
        }
        if (result.data != null) handlers.next(result.data);
      },
      error: (err) => {
        if (err instanceof Error) handlers.error(err);
        else if (err instanceof CloseEvent) {
          handlers.error(
            new Error(`Subscription socket closed (${err.code}${err.reason ? `: ${err.reason}` : ''})`),
          );
        } else if (err instanceof Event) handlers.error(new Error(`Cannot reach ${gatewayWsUrl()}`));
        else handlers.error(new Error('Subscription failed'));
      },
      complete: () => handlers.complete?.(),
    },
  );
}
