import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';

function nestLoggerAt(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, nest: new PinoNestLogger(createLogger({ level, destination })) };
}

describe('PinoNestLogger', () => {
  it('writes Nest start-up narration (module init, route mapping) at debug, out of sight at info', () => {
    // given a logger at info
    const { lines, nest } = nestLoggerAt('info');

    // when Nest narrates its start-up and a service logs something worth reading
    nest.log('Starting Nest application...', 'NestFactory');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('MeController {/v1}:', 'RoutesResolver');
    nest.log('Mapped {/v1/me, GET} route', 'RouterExplorer');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.log('polling task queue "mandate"', 'TemporalWorkerService');

    // then only the service's line is written
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        context: 'TemporalWorkerService',
        msg: 'polling task queue "mandate"',
      }),
    ]);
  });

  it('still writes the narration at debug, and warnings from those contexts at their own level', () => {
    const { lines, nest } = nestLoggerAt('debug');

    nest.log('Mapped {/v1/me, GET} route', 'RouterExplorer');
    nest.warn('Duplicate route', 'RouterExplorer');

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'debug',
        context: 'RouterExplorer',
        msg: 'Mapped {/v1/me, GET} route',
      }),
      expect.objectContaining({ level: 'warn', context: 'RouterExplorer', msg: 'Duplicate route' }),
    ]);
  });
});
