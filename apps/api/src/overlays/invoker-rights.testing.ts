import type { EventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import type { Clock } from '../clock';
import { InvokerRightsResolver } from './invoker-rights.resolver';

/** For specs of services that take a resolver but meet no `invokerCan` overlay: asking fails loudly. */
export const unusedInvokerRights = (store: EventStore, clock: Clock): InvokerRightsResolver =>
  new InvokerRightsResolver(
    store,
    clock,
    { permission: () => Promise.reject(new Error('no invoker right is asked in this spec')) },
    { warn: () => undefined } as unknown as Logger,
  );
