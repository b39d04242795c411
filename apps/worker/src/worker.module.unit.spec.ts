import type { FactoryProvider } from '@nestjs/common';
import { loadConfig } from '@mandate/config';
import * as workflows from '@mandate/workflows';
import { WORKER_ACTIVITIES } from './temporal-worker.service';
import { WorkerEventStore, WorkerModule, WorkerVault } from './worker.module';

describe('The production worker registers only the JIT and credential lease workflows and their activities', () => {
  it('bundles no workflow but the JIT grant and credential lease workflows', () => {
    // given the module the worker bundles (workflows/index.ts)
    // when its exported functions are listed
    const exported = Object.entries(workflows)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);

    // then the JIT and lease workflows are there and no wiring demo is
    expect(exported).toContain('jitGrantWorkflow');
    expect(exported).toContain('credentialLeaseWorkflow');
    expect(exported).not.toContain('helloWorkflow');
  });

  it('offers the workflows exactly the access and lease activities', async () => {
    // given the worker module's providers (built without starting Temporal or opening a store)
    const { providers = [] } = WorkerModule.forConfig(loadConfig({ ...process.env, NODE_ENV: 'test' }));
    const provider = providers.find(
      (candidate): candidate is FactoryProvider =>
        typeof candidate === 'object' && 'provide' in candidate && candidate.provide === WORKER_ACTIVITIES,
    );

    // when the activities it hands the Temporal worker are listed
    const activities = (await provider?.useFactory(
      new WorkerEventStore(() => {
        throw new Error('no store is opened to list the activities');
      }),
      new WorkerVault(() => {
        throw new Error('no vault is opened to list the activities');
      }),
    )) as object;

    // then only the authoritative steps are offered
    expect(Object.keys(activities)).toEqual([
      'decideAccess',
      'mintUpstreamLease',
      'revokeUpstreamLease',
      'recordLeaseOutcome',
    ]);
  });
});
