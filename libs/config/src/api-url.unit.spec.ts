import { localApiUrl } from './api-url';

describe('localApiUrl', () => {
  it('connects to loopback when the API listens on every address, and brackets IPv6 literals', () => {
    expect(localApiUrl({ API_HOST: '127.0.0.1', API_PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(localApiUrl({ API_HOST: '0.0.0.0', API_PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(localApiUrl({ API_HOST: '::', API_PORT: 8080 })).toBe('http://127.0.0.1:8080');
    expect(localApiUrl({ API_HOST: '::1', API_PORT: 3000 })).toBe('http://[::1]:3000');
    expect(localApiUrl({ API_HOST: 'mandate.internal', API_PORT: 443 })).toBe('http://mandate.internal:443');
  });
});
