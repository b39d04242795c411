import type { BenchSuite } from '../harness';
import { auditSuite } from './audit.suite';
import { checkSuite } from './check.suite';
import { clientSuite } from './client.suite';
import { consoleSuite } from './console.suite';
import { credentialsSuite } from './credentials.suite';
import { gatewaySuite } from './gateway.suite';
import { httpSuite } from './http.suite';
import { identitySuite } from './identity.suite';
import { jitSuite } from './jit.suite';
import { peersSuite } from './peers.suite';
import { relaySuite } from './relay.suite';
import { scaleSuite } from './scale.suite';
import { storeSuite } from './store.suite';

/** Every suite `npm run bench` knows; each lives in its own file under bench/suites/. */
export const suites: Record<string, BenchSuite> = {
  store: storeSuite,
  http: httpSuite,
  audit: auditSuite,
  check: checkSuite,
  relay: relaySuite,
  jit: jitSuite,
  identity: identitySuite,
  credentials: credentialsSuite,
  gateway: gatewaySuite,
  console: consoleSuite,
  peers: peersSuite,
  scale: scaleSuite,
  client: clientSuite,
};
