import {
  accessBundleDecider,
  type AccessBundleEvent,
  type AccessBundleState,
  type ActiveAccessBundle,
  organizationBundleOf,
  organizationBundlesAttached,
  organizationDecider,
  type OrganizationEvent,
  type OrganizationState,
} from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';

/** The serializable part of one organization as a workspace (or the projection) folded it. */
export interface OrganizationRecord {
  organizationId: string;
  organization: OrganizationState;
  /** The organization's own bundles, in the order they were created. */
  bundles: AccessBundleState[];
}

/** The organization an event's stream belongs to: its own stream or one of its bundles'. */
export function organizationOfStream(streamId: string): string | undefined {
  const bundle = organizationBundleOf(streamId);
  if (bundle !== undefined) return bundle.organizationId;
  // `organization-membership.<ws>` holds a dot; an organization's own stream never does.
  const prefix = 'organization-';
  return streamId.startsWith(prefix) && !streamId.includes('.') ? streamId.slice(prefix.length) : undefined;
}

/**
 * One organization's states, folded with the deciders' own `evolve`: the organization (owners,
 * invitations, what it attaches) and its bundles. The projection keeps one per organization, and
 * every member workspace keeps its own copy, folded from the same events while it is a member, so
 * a replay of that workspace (`at`) reproduces exactly what the live projection answered.
 */
export class OrganizationPermissions {
  readonly organizationId: string;
  organization: OrganizationState;
  readonly bundles: Map<string, AccessBundleState>;

  constructor(record: OrganizationRecord) {
    this.organizationId = record.organizationId;
    this.organization = record.organization;
    this.bundles = new Map(
      record.bundles.flatMap((bundle) => (bundle.status === 'absent' ? [] : [[bundle.bundleId, bundle]])),
    );
  }

  static empty(organizationId: string): OrganizationPermissions {
    return new OrganizationPermissions({
      organizationId,
      organization: organizationDecider.initialState(),
      bundles: [],
    });
  }

  /** An event of the organization's stream or of one of its bundles' (the store validated `data`). */
  fold(event: RecordedEvent): void {
    const bundle = organizationBundleOf(event.streamId);
    if (bundle === undefined) {
      const domainEvent = { type: event.type, data: event.data } as OrganizationEvent;
      this.organization = organizationDecider.evolve(this.organization, domainEvent);
      return;
    }
    const next = accessBundleDecider.evolve(
      this.bundles.get(bundle.bundleId) ?? accessBundleDecider.initialState(),
      { type: event.type, data: event.data } as AccessBundleEvent,
    );
    if (next.status !== 'absent') this.bundles.set(bundle.bundleId, next);
  }

  /** What reaches every member workspace. */
  attached(): ActiveAccessBundle[] {
    return organizationBundlesAttached(this.organization, this.bundles);
  }

  /** An independent copy (the states are immutable values, so they are shared). */
  copy(): OrganizationPermissions {
    return new OrganizationPermissions(this.toRecord());
  }

  toRecord(): OrganizationRecord {
    return {
      organizationId: this.organizationId,
      organization: this.organization,
      bundles: [...this.bundles.values()],
    };
  }
}
