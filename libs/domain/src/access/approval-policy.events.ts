import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';
import { approvalPolicySchema } from './approval-policy.model';

const approvalPolicyEvents = {
  ApprovalPolicySet: z.object({ workspaceId: identifierSchema, policy: approvalPolicySchema }),
};

export type ApprovalPolicyEvent = EventsOf<typeof approvalPolicyEvents>;
export const approvalPolicyEventSchemas = eventSchemasOf(approvalPolicyEvents);
