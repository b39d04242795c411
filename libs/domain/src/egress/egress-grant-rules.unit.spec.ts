import { egressRulesOf } from './egress-grant';
import { egressEventSchemas } from './egress.events';

describe('egressRulesOf: the hosts a JIT egress grant adds', () => {
  it('given a grant whose resources include entries outside the grammar, then those allow nothing and the others stay', () => {
    expect(
      egressRulesOf([
        'API.GitHub.com:443',
        'not a host:443',
        'example.com',
        'example.com:70000',
        '[::1]:8443',
      ]),
    ).toEqual([
      { host: 'api.github.com', ports: [443] },
      { host: '[::1]', ports: [8443] },
    ]);
  });

  it('given no resource in the grammar, then the grant adds no host', () => {
    expect(egressRulesOf(['*', 'evil.com/path:443'])).toEqual([]);
  });
});

describe('EgressDenied, version 1 read today', () => {
  it('given an event written before refusals were counted, when read, then it stands for exactly one refusal', () => {
    const v2 = egressEventSchemas.find((schema) => schema.version === 2);
    const v1 = {
      channelId: 'eng',
      host: 'evil.example',
      port: 443,
      reason: 'not allowlisted',
      rule: 'default-deny',
    };

    expect(v2?.upcast?.(v1)).toEqual({ ...v1, count: 1 });
  });
});
