import { deciderSpec } from '@mandate/testing';
import type { AgentActionCommand } from './agent-action.commands';
import { agentActionDecider } from './agent-action.decider';
import type { AgentActionEvent } from './agent-action.events';

const spec = deciderSpec(agentActionDecider);
const runtime = { kind: 'service' as const, id: 'agent-runtime' };
const now = '2026-11-29T12:00:00.000Z';

const authorized: AgentActionEvent = {
  type: 'AgentActionAuthorized',
  data: {
    actionId: 'act-1',
    idempotencyKey: 'run-42:step-3',
    request: {
      channelId: 'eng',
      connector: 'github',
      action: 'write',
      resource: 'acme/api',
      invokedBy: 'dave',
    },
    decision: {
      allowed: true,
      reason: 'Allowed by baseline connection "github-main" on acme/*',
      provenance: { layer: 'baseline', rule: 'workspace/connections/github-main', pattern: 'acme/*' },
    },
  },
};
const failed: AgentActionEvent = {
  type: 'AgentActionFailed',
  data: { actionId: 'act-1', error: 'HTTP 502' },
};
const fail: AgentActionCommand = { type: 'FailAgentAction', error: 'HTTP 502', actor: runtime, now };
const complete: AgentActionCommand = { type: 'CompleteAgentAction', detail: 'done', actor: runtime, now };

describe('agent action: an outcome is recorded once', () => {
  it('keeps a recorded failure: the same failure again is a retry, a completion a conflict', () => {
    // Given an authorized action whose failure was recorded
    const state = spec.given([authorized]).when(fail).thenState();
    expect(state).toMatchObject({ status: 'authorized', outcome: { outcome: 'failed', error: 'HTTP 502' } });
    // When the failure is reported again, then nothing is written
    spec.given([authorized, failed]).when(fail).thenNothing();
    // When a completion is reported after it, then it is refused
    spec
      .given([authorized, failed])
      .when(complete)
      .thenRefuses({ code: 'outcome-already-recorded', kind: 'conflict' });
  });

  it('ignores an outcome event for an action it never recorded', () => {
    const absent = agentActionDecider.initialState();
    expect(agentActionDecider.evolve(absent, failed)).toBe(absent);
    expect(
      agentActionDecider.evolve(absent, {
        type: 'AgentActionCompleted',
        data: { actionId: 'act-1', detail: 'x' },
      }),
    ).toBe(absent);
  });
});
