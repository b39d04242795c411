import { ApplicationFailure } from '@temporalio/workflow';
import { DomainError, type DomainErrorKind } from '../libs/domain/src/shared/domain-error';

/** Refusals cross the workflow boundary as ApplicationFailures of this type, details `[DomainRefusal]`. */
export const DOMAIN_REFUSAL = 'DomainRefusal';
export interface DomainRefusal {
  kind: string;
  code: string;
  message: string;
  issues: { path: string; message: string }[];
}

/**
 * A decider's refusal as the failure that carries it through Temporal (from the activity to the
 * workflow, from an update to its caller): non-retryable, since deciding again refuses again.
 */
export function toRefusal(error: DomainError): ApplicationFailure {
  const details: DomainRefusal = {
    kind: error.kind,
    code: error.code,
    message: error.message,
    issues: error.issues,
  };
  return ApplicationFailure.create({
    type: DOMAIN_REFUSAL,
    message: error.message,
    details: [details],
    nonRetryable: true,
  });
}

/**
 * The DomainError a failure carries, looked for along its causes (an activity's failure inside an
 * ActivityFailure, an update's inside WorkflowUpdateFailedError), or undefined when it carries none.
 */
export function fromRefusal(error: unknown): DomainError | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type === DOMAIN_REFUSAL) {
      const refusal = cause.details?.[0] as DomainRefusal;
      return new DomainError(refusal.kind as DomainErrorKind, refusal.code, refusal.message, refusal.issues);
    }
  }
  return undefined;
}
