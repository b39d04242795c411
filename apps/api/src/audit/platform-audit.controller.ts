import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePlatformAdmin } from '@mandate/auth';
import { AuditLogService, type AuditVerifyReport } from './audit-log.service';
import { auditVerifyDoc } from './audit.responses';

/**
 * The log as a whole belongs to the platform, not to a tenant: verifying it reads every
 * workspace's events (a full scan) and reports global positions. A workspace's auditors prove
 * their own history with the workspace export and its offline verifier (docs/audit.md).
 */
@ApiTags('audit')
@Controller('v1/audit')
@RequirePlatformAdmin()
export class PlatformAuditController {
  constructor(private readonly log: AuditLogService) {}

  @Get('verify')
  @ApiOkResponse({ schema: auditVerifyDoc })
  @ApiOperation({
    summary:
      'Verify the whole hash chain and the signed checkpoints (platform admins): the verified range and the latest checkpoint.',
  })
  verify(): Promise<AuditVerifyReport> {
    return this.log.verify();
  }
}
