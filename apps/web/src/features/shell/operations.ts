import { operation } from '@/shared/graphql/client';

export interface ComponentHealth {
  name: string;
  state: 'up' | 'down';
  latencyMs: number | null;
  detail: string | null;
}

export const HEALTH = operation<{ health: { ok: boolean; components: ComponentHealth[] } }>(
  `query Health { health { ok components { name state latencyMs detail } } }`,
);
