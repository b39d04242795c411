import type { paths } from '@mandate/client/openapi';
import type { ApiClient } from '../api/api-client';

/** One override change, as the channel's dry run takes it (and its own route, saved). */
export type ChannelChange =
  paths['/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/preview']['post']['requestBody']['content']['application/json']['change'];

type Header = { 'If-Match': string };
const CHANNEL = '/v1/workspaces/{workspaceId}/channels/{channelId}';

/**
 * Saves one change through the route a client would call for it, pinned with `If-Match` to the
 * revision read (every override route takes it), so the preview and the save decide the same change.
 */
export function saveChannelChange(
  api: ApiClient,
  workspaceId: string,
  channelId: string,
  change: ChannelChange,
  header: Header,
) {
  const path = { workspaceId, channelId };
  const params = { path, header };
  switch (change.type) {
    case 'ExtendChannel':
      return api.POST(`${CHANNEL}/extensions`, { params, body: { rule: change.rule } });
    case 'RestrictChannel':
      return api.POST(`${CHANNEL}/restrictions`, { params, body: { rule: change.rule } });
    case 'ForbidInChannel':
      return api.POST(`${CHANNEL}/forbidden`, { params, body: { rule: change.rule } });
    case 'RemoveChannelExtension':
      return api.DELETE(`${CHANNEL}/extensions/{ruleId}`, {
        params: { path: { ...path, ruleId: change.ruleId }, header },
      });
    case 'RemoveChannelRestriction':
      return api.DELETE(`${CHANNEL}/restrictions/{ruleId}`, {
        params: { path: { ...path, ruleId: change.ruleId }, header },
      });
    case 'RemoveChannelForbid':
      return api.DELETE(`${CHANNEL}/forbidden/{ruleId}`, {
        params: { path: { ...path, ruleId: change.ruleId }, header },
      });
    case 'SetChannelInstructions':
      return change.instructions === null
        ? api.DELETE(`${CHANNEL}/instructions`, { params })
        : api.PUT(`${CHANNEL}/instructions`, { params, body: change.instructions });
    case 'SetChannelSkill':
      return api.PUT(`${CHANNEL}/skills/{skill}`, {
        params: { path: { ...path, skill: change.skill }, header },
        body: { state: change.state },
      });
    case 'SetChannelMemoryScope':
      return api.PUT(`${CHANNEL}/memory-scope`, {
        params,
        body: { sharedNamespaces: change.sharedNamespaces },
      });
    case 'SetChannelInvokePolicy':
      return change.policy === null
        ? api.DELETE(`${CHANNEL}/invoke-policy`, { params })
        : api.PUT(`${CHANNEL}/invoke-policy`, { params, body: change.policy });
  }
}
