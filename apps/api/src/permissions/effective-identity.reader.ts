import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { CredentialUseView, type LiveLease } from '../credential-use/credential-use.view';
import type { ChannelIdentity } from './channel-identity';
import { PermissionChecksService } from './permission-checks.service';

/** A live lease in the channel: what it covers, why and until when; never its token. */
export type IdentityLease = Omit<LiveLease, 'channelId' | 'issuedAt'>;

export type EffectiveIdentityAnswer = ChannelIdentity & {
  position: number;
  /** The channel's live leases, newest first; null for an answer from history (`at`). */
  leases: IdentityLease[] | null;
};

/**
 * `effective-identity`: the channel's identity (permissions, as of now or `at`) with the credential
 * leases live in it now. The leases come from the credential-use read model, so this read side
 * never depends on the lease-issuing side. Leases are answered for the present only: which were
 * live at a past instant is for `GET …/credential-leases` and the audit endpoints.
 */
@Injectable()
export class EffectiveIdentityReader {
  constructor(
    private readonly checks: PermissionChecksService,
    private readonly credentialUse: CredentialUseView,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'CHECK_MIN_POSITION_WAIT_MS'>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async read(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    options: { at?: string; minPosition?: number },
  ): Promise<EffectiveIdentityAnswer> {
    const identity = await this.checks.effectiveIdentity(principal, workspaceId, channelId, options);
    if (options.at !== undefined) return { ...identity, leases: null };
    await this.reach(options.minPosition);
    const leases = this.credentialUse
      .liveLeases(workspaceId, channelId, this.clock.now().getTime())
      .map(({ channelId: _channel, issuedAt: _issued, ...lease }) => lease);
    return { ...identity, leases };
  }

  /** Read-your-writes for a lease just issued: the same bounded wait and 409 as the projection's. */
  private async reach(minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (await this.credentialUse.reach(minPosition, this.config.CHECK_MIN_POSITION_WAIT_MS)) return;
    const position = this.credentialUse.position;
    throw new DomainError(
      'conflict',
      'position-not-reached',
      `The credential-use view is at position ${position}, not yet at ${minPosition}; retry shortly`,
      [{ path: 'minPosition', message: `current position is ${position}` }],
      { position, minPosition },
    );
  }
}
