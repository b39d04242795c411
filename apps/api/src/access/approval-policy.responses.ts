import { z } from 'zod';
import { approvalPolicySchema } from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';

/** `GET …/approval-policy`, for the OpenAPI document only: the policy as the decider holds it. */
export const approvalPolicyDoc = toOpenApiSchema(
  z.object({
    policy: approvalPolicySchema,
    revision: z
      .number()
      .int()
      .describe("Revision of the workspace's approval-policy stream (also sent as ETag; 0: the default)"),
  }),
);
