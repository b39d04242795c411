import { otlpHeaders, runtimeTelemetryOptions } from './temporal-runtime-telemetry';

describe('runtimeTelemetryOptions', () => {
  it('given no endpoint, when asked, then nothing is installed', () => {
    expect(runtimeTelemetryOptions(undefined, 1000, { authorization: 'x' })).toBeUndefined();
  });

  it('given an endpoint and headers, when asked, then the SDK pushes metrics there with those headers', () => {
    // when
    const options = runtimeTelemetryOptions('http://collector:4318', 5000, { 'x-tenant': 'acme' });

    // then
    expect(options).toEqual({
      metrics: {
        otel: {
          url: 'http://collector:4318/v1/metrics',
          http: true,
          metricsExportInterval: 5000,
          headers: { 'x-tenant': 'acme' },
        },
      },
    });
  });
});

describe('otlpHeaders', () => {
  it('given the specification format, when parsed, then pairs are trimmed and values percent-decoded', () => {
    expect(otlpHeaders(' authorization=Basic%20dXNlcjpwYXNz , x-tenant=acme=1')).toEqual({
      authorization: 'Basic dXNlcjpwYXNz',
      'x-tenant': 'acme=1',
    });
  });

  it('given pairs without a key or a separator, or nothing, when parsed, then they are skipped', () => {
    expect(otlpHeaders('novalue,=orphan,,ok=1')).toEqual({ ok: '1' });
    expect(otlpHeaders(undefined)).toEqual({});
  });

  it('given a bad escape, when parsed, then the pair is dropped, as the JS exporters drop it', () => {
    expect(otlpHeaders('k=%E0%A4%A,ok=1')).toEqual({ ok: '1' });
  });
});
