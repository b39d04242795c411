import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@mandate/auth';
import { ZodQuery } from '@mandate/http';
import { meDoc } from '../directory/directory.responses';
import { type IdPageQuery, idPageQuery } from '../directory/directory.schemas';
import { DirectoryService, type Me } from '../directory/directory.service';

@ApiTags('identity')
@Controller('v1')
export class MeController {
  constructor(private readonly directory: DirectoryService) {}

  @Get('me')
  @ApiOkResponse({ schema: meDoc })
  @ApiOperation({
    summary:
      'The authenticated principal as the API sees it, and the workspaces where it holds a role (paged by `limit` and `after`).',
  })
  me(@CurrentPrincipal() principal: Principal, @ZodQuery(idPageQuery) query: IdPageQuery): Promise<Me> {
    return this.directory.me(principal, query);
  }
}
