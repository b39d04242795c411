import { PermissionsClient } from '@mandate/client';

/**
 * The other process of `watch_invalidation_lag_p99_ms`: a service's PermissionsClient, telling its
 * parent (IPC) the position of each change once its cache has applied it.
 */
const [baseUrl, workspaceId, token] = process.argv.slice(2);
const client = new PermissionsClient({
  baseUrl,
  workspaceId,
  token,
  onChange: (change) => process.send?.({ applied: change.position }),
});
void client.start().then(() => process.send?.({ ready: client.position }));
process.on('disconnect', () => {
  client.close();
  process.exit(0);
});
