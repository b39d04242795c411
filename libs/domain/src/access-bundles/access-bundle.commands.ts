import type { ChannelRole } from '../channel/channel.model';
import type { WorkspaceCaller } from '../common/command';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import type { AccessBundleDocumentInput, BundleScope } from './access-bundle.document';

type On<Type extends string, Body = object> = WorkspaceCaller & { type: Type; bundleId: string } & Body;

/** The channel a scope names, as the edge found it (`absent` also for one the caller may not see). */
export type ScopeChannel =
  { status: 'absent' } | { status: 'active' | 'archived'; callerRole: ChannelRole | null };

export type AccessBundleCommand =
  | On<
      'ApplyAccessBundleDocument',
      {
        workspaceId: string;
        document: AccessBundleDocumentInput;
        /** Built-in plus the workspace's registered connectors, resolved by the edge. */
        catalog: ConnectorCatalog;
      }
    >
  | On<'AttachAccessBundle', { scope: BundleScope; channel: ScopeChannel }>
  | On<'DetachAccessBundle', { scope: BundleScope; channel: ScopeChannel }>
  | On<'RetireAccessBundle'>;
