import { organizationEnvelopeId } from '@mandate/domain';
import type { SecretRef } from './credential-vault.port';

/**
 * Where an organization's connection keeps its secret: one place for all member workspaces, under
 * the owner key `organization:<id>`, which no workspace id can be (ids hold no colon). The vault
 * binds that key into each version's AAD and row key, so an organization's secret never answers a
 * workspace's ref of the same id, and a row moved onto a workspace's key does not decrypt.
 */
export const organizationSecretRef = (organizationId: string, connectionId: string): SecretRef => ({
  workspaceId: organizationEnvelopeId(organizationId),
  connectionId,
});
