import type { Principal } from '@mandate/auth';
import { ZodValidationPipe } from '@mandate/http';
import type { Clock } from '../clock';
import type { CheckAnswer, PermissionChecksService } from '../permissions/permission-checks.service';
import type { CheckRequest } from '../permissions/permissions.schemas';
import type { AccessRequestHint, AccessRequestHints } from './access-request.hint';
import {
  answeredCount,
  type EvaluationRefusal,
  type MappedEvaluation,
  refusalError,
  toCheckRequest,
  withDefaults,
} from './authzen-request.mapping';
import { readEvaluation, readEvaluations } from './authzen-request.reader';
import {
  type AuthzenEvaluation,
  authzenEvaluationSchema,
  authzenEvaluationsSchema,
  type EvaluationsSemantic,
} from './authzen.schemas';

/** An AuthZEN Decision: Mandate's reason, provenance and position in its context. */
export interface AuthzenDecision {
  decision: boolean;
  context: {
    reason?: string;
    provenance?: CheckAnswer['provenance'];
    position?: number;
    access_request?: AccessRequestHint;
    error?: EvaluationRefusal;
  };
}

type Maybe<T> = T | Promise<T>;
const then = <T, U>(value: Maybe<T>, next: (resolved: T) => Maybe<U>): Maybe<U> =>
  value instanceof Promise ? value.then(next) : next(value);

const evaluationBody = new ZodValidationPipe(authzenEvaluationSchema, 'body');
const evaluationsBody = new ZodValidationPipe(authzenEvaluationsSchema, 'body');

const failed = (refusal: EvaluationRefusal): AuthzenDecision => ({
  decision: false,
  context: { error: refusal },
});

/** The Decision of a check's answer: its reason, provenance and position, and the hint of a denial. */
const decided = (
  { allowed, reason, provenance, position }: CheckAnswer,
  accessRequest: AccessRequestHint | undefined,
): AuthzenDecision => ({
  decision: allowed,
  context:
    accessRequest === undefined
      ? { reason, provenance, position }
      : { reason, provenance, position, access_request: accessRequest },
});

/** The answered Decisions: all of them, or up to where the semantic stops (`answeredCount`). */
const inOrder = (all: AuthzenDecision[], semantic: EvaluationsSemantic) => ({
  evaluations:
    semantic === 'execute_all'
      ? all
      : all.slice(
          0,
          answeredCount(
            all.map((item) => item.decision),
            semantic,
          ),
        ),
});

/**
 * The AuthZEN PDP over the one evaluator: every evaluation becomes the `/v1/check` request it asks
 * (`toCheckRequest`) and is answered by `PermissionChecksService.batch`, with the access rules of
 * `/v1/check/batch` — a workspace the caller may not ask about is an unknown one, a denial. Allowed
 * answers stay synchronous; only a denial a JIT request could lift reads the approval policy.
 */
export class AuthzenEvaluator {
  constructor(
    private readonly checks: PermissionChecksService,
    private readonly hints: AccessRequestHints,
    private readonly clock: Clock,
  ) {}

  /** `POST /access/v1/evaluation`: a malformed request is a 400, a denial a 200 with `decision: false`. */
  evaluate(caller: Principal, body: unknown, baseUrl: string): Maybe<AuthzenDecision> {
    return this.one(caller, readEvaluation(body) ?? evaluationBody.transform(body), baseUrl);
  }

  /**
   * `POST /access/v1/evaluations`: decisions in request order, an item Mandate cannot map answered
   * `decision: false` with `context.error`; with a short-circuiting semantic, up to and including the
   * first denial (or permit). Without items, the request is one evaluation and gets one Decision.
   */
  evaluations(
    caller: Principal,
    body: unknown,
    baseUrl: string,
  ): Maybe<AuthzenDecision | { evaluations: AuthzenDecision[] }> {
    const request = readEvaluations(body) ?? evaluationsBody.transform(body);
    const { evaluations, single } = withDefaults(request);
    if (single) return this.one(caller, evaluations[0], baseUrl);
    const semantic = request.options?.evaluations_semantic ?? 'execute_all';
    const mapped: MappedEvaluation[] = [];
    const checks: CheckRequest[] = [];
    for (let index = 0; index < evaluations.length; index++) {
      const item = toCheckRequest(evaluations[index], index);
      mapped.push(item);
      if (item.ok) checks.push(item.check);
      // Nothing after the first failed item is answered, so nothing after it is asked.
      else if (semantic === 'deny_on_first_deny') break;
    }
    const answers = checks.length === 0 ? [] : this.checks.batch(caller, checks);
    return then(answers, (answered) => {
      const decisions = this.decisionsOf(mapped, answered, baseUrl, this.clock.now().getTime());
      return decisions.some((decision) => decision instanceof Promise)
        ? Promise.all(decisions).then((all) => inOrder(all, semantic))
        : inOrder(decisions as AuthzenDecision[], semantic);
    });
  }

  private one(caller: Principal, evaluation: AuthzenEvaluation, baseUrl: string): Maybe<AuthzenDecision> {
    const mapped = toCheckRequest(evaluation);
    if (!mapped.ok) throw refusalError(mapped.refusal);
    return then(this.checks.batch(caller, [mapped.check]), ([answer]) =>
      this.decisionOf(mapped.check, answer, baseUrl, this.clock.now().getTime()),
    );
  }

  /** `nowMs` is read once per request: the hints of one answer are built at one instant. */
  private decisionsOf(
    mapped: MappedEvaluation[],
    answers: CheckAnswer[],
    baseUrl: string,
    nowMs: number,
  ): Maybe<AuthzenDecision>[] {
    let next = 0;
    return mapped.map((item) =>
      item.ok ? this.decisionOf(item.check, answers[next++], baseUrl, nowMs) : failed(item.refusal),
    );
  }

  private decisionOf(
    check: CheckRequest,
    answer: CheckAnswer,
    baseUrl: string,
    nowMs: number,
  ): Maybe<AuthzenDecision> {
    if (answer.allowed || check.at !== undefined) return decided(answer, undefined);
    const hint = this.hints.hintFor(check, answer, baseUrl, nowMs);
    return hint instanceof Promise
      ? hint.then((resolved) => decided(answer, resolved))
      : decided(answer, hint);
  }
}
