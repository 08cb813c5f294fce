// Every class of hostile input, registered against one target. A class's cases live in their
// own file; each registers `describe`/`it` blocks that read the target lazily (it is started
// in the runner's beforeAll).
import type { HostileTarget } from '../target';
import { authBoundaryCases } from './auth-boundary';
import { engineLeakCases } from './engine-leaks';
import { gatewayLeakCases } from './gateway-leaks';
import { graphqlCostCases } from './graphql-cost';
import { graphqlStringCases } from './graphql-strings';
import { graphqlTransportCases } from './graphql-transport';
import { marketDataCases } from './market-data';
import { oddBytesCases } from './odd-bytes';
import { outcomeCases } from './outcomes';
import { protocolEdgeCases } from './protocol-edges';
import { rolloutCases } from './rollouts';
import { throttlingCases } from './throttling';
import { timeCases } from './time';

export function registerHostileCases(target: () => HostileTarget): void {
  authBoundaryCases(target);
  graphqlTransportCases(target);
  graphqlCostCases(target);
  graphqlStringCases(target);
  gatewayLeakCases(target);
  throttlingCases(target);
  timeCases(target);
  oddBytesCases(target);
  protocolEdgeCases(target);
  engineLeakCases(target);
  marketDataCases(target);
  outcomeCases(target);
  rolloutCases(target);
}
