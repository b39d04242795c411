import { accessRequestEventSchemas } from './access/access-request.events';
import { approvalPolicyEventSchemas } from './access/approval-policy.events';
import { credentialLeaseEventSchemas } from './credentials/credential-lease.events';
import { credentialRevocationEventSchemas } from './credentials/credential-revocation.events';
import { credentialEventSchemas } from './credentials/credential.events';
import { egressEventSchemas } from './egress/egress.events';
import { gatewaySessionEventSchemas } from './gateway/gateway-session.events';
import { memoryUpdateEventSchemas } from './memory/memory-update.events';
import type { EventSchema } from './shared';
import { identityEventSchemas } from './identity-event-schemas';

/** Every event type Mandate writes, all versions: the event store validates and upcasts with it. */
export const eventSchemas: readonly EventSchema[] = [
  ...identityEventSchemas,
  ...approvalPolicyEventSchemas,
  ...accessRequestEventSchemas,
  ...egressEventSchemas,
  ...credentialEventSchemas,
  ...gatewaySessionEventSchemas,
  ...credentialLeaseEventSchemas,
  ...credentialRevocationEventSchemas,
  ...memoryUpdateEventSchemas,
];
