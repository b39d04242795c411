import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { DomainError } from '@mandate/domain';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { CredentialUseView, type LiveLease } from '../credential-use/credential-use.view';
import { PastLeasesReader } from '../credential-use/past-leases.reader';
import type { ChannelIdentity } from './channel-identity';
import { PermissionChecksService } from './permission-checks.service';

/** A live lease in the channel: what it covers, why and until when; never its token. */
export type IdentityLease = Omit<LiveLease, 'channelId' | 'issuedAt'>;

export type EffectiveIdentityAnswer = ChannelIdentity & {
  position: number;
  /** The channel's leases live at the answer's instant (now or `at`), newest first. */
  leases: IdentityLease[];
};

const asIdentityLease = ({ channelId: _channel, issuedAt: _issued, ...lease }: LiveLease): IdentityLease =>
  lease;

/**
 * `effective-identity`: the channel's identity (permissions, as of now or `at`) with the credential
 * leases live in it at the same instant. The present's come from the credential-use read model;
 * an instant's from the log (`PastLeasesReader`). Both sit below the lease-issuing side, so this
 * read side never depends on it.
 */
@Injectable()
export class EffectiveIdentityReader {
  constructor(
    private readonly checks: PermissionChecksService,
    private readonly credentialUse: CredentialUseView,
    private readonly pastLeases: PastLeasesReader,
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
    if (options.at !== undefined) {
      const past = await this.pastLeases.liveAt(workspaceId, channelId, Date.parse(options.at));
      return { ...identity, leases: past.map(asIdentityLease) };
    }
    await this.reach(options.minPosition);
    const leases = this.credentialUse.liveLeases(workspaceId, channelId, this.clock.now().getTime());
    return { ...identity, leases: leases.map(asIdentityLease) };
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
