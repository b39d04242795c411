import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type CredentialVault,
  GithubAppInvokerRightSource,
  type UpstreamHttpOptions,
} from '@mandate/credentials';
import type { EventStore } from '@mandate/event-store';
import { CREDENTIAL_VAULT } from '../credentials/credential-vault.provider';
import { EVENT_STORE } from '../event-store/event-store.module';

export const INVOKER_RIGHT_SOURCE = Symbol('InvokerRightSource');
/** How the API reaches upstreams for invoker rights (a test's private CA); undici's defaults otherwise. */
export const INVOKER_RIGHT_UPSTREAM = Symbol('InvokerRightUpstream');

/** The API's GitHub invoker-right source: the workspace's own GitHub App, from its log and vault. */
@Injectable()
export class GithubInvokerRightSource extends GithubAppInvokerRightSource {
  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CREDENTIAL_VAULT) vault: CredentialVault,
    @Optional() @Inject(INVOKER_RIGHT_UPSTREAM) upstream: UpstreamHttpOptions | null,
  ) {
    super(store, vault, upstream ?? {});
  }
}
