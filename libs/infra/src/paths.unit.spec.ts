import { join } from 'node:path';
import { devTemporalDbFile, repoRoot } from './paths';

describe('devTemporalDbFile', () => {
  it('given the default data folder, then the Temporal state lives inside it', () => {
    // given / when
    const file = devTemporalDbFile('.mandate/data');
    // then
    expect(file).toBe(join(repoRoot, '.mandate', 'data', 'temporal', 'dev.db'));
  });

  it('given another data folder, then the Temporal state moves with it', () => {
    // given / when
    const file = devTemporalDbFile('/srv/mandate-data');
    // then: a fresh DATA_DIR never meets the workflows of an older log
    expect(file).toBe('/srv/mandate-data/temporal/dev.db');
  });
});
