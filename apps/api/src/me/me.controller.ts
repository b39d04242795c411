import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@mandate/auth';

@ApiTags('identity')
@Controller('v1')
export class MeController {
  @Get('me')
  @ApiOperation({ summary: 'The authenticated principal, as the API sees it.' })
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }
}
