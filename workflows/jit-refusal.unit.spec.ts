import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { DomainError } from '../libs/domain/src/shared/domain-error';
import { DOMAIN_REFUSAL, fromRefusal, toRefusal } from './jit-refusal';

describe('refusals across Temporal: one toRefusal/fromRefusal pair', () => {
  const refused = new DomainError('forbidden', 'not-an-approver', 'Not an approver', [
    { path: 'comment', message: 'too long' },
  ]);

  it('carries a refusal as a non-retryable DomainRefusal failure', () => {
    // given a decider's refusal
    // when it is made the failure that crosses Temporal
    const failure = toRefusal(refused);
    // then the failure says so, and is not retried
    expect(failure).toMatchObject({ type: DOMAIN_REFUSAL, nonRetryable: true, message: 'Not an approver' });
  });

  it('gives back the same kind, code, message and issues, however deep the failure sits', () => {
    // given the refusal as an activity's failure, wrapped as the workflow sees it
    const wrapped = new ActivityFailure(
      'activity failed',
      'decideAccess',
      '1',
      'NON_RETRYABLE_FAILURE',
      undefined,
      toRefusal(refused),
    );
    // when the refusal is read back
    const back = fromRefusal(wrapped);
    // then it is the decider's refusal again
    expect(back).toBeInstanceOf(DomainError);
    expect(back).toMatchObject({
      kind: 'forbidden',
      code: 'not-an-approver',
      message: 'Not an approver',
      issues: [{ path: 'comment', message: 'too long' }],
    });
  });

  it('finds no refusal in any other failure', () => {
    // given failures that are no refusal
    const others = [new Error('boom'), ApplicationFailure.create({ type: 'Other', message: 'x' }), 'text'];
    // when each is read
    // then none is taken for a refusal
    expect(others.map(fromRefusal)).toEqual([undefined, undefined, undefined]);
  });
});
