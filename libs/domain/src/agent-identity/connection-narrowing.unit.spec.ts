import {
  checkNarrowing,
  type ConnectionNarrowing,
  connectionNarrowingSchema,
  isReadOnlyNarrowing,
  narrowedMethods,
  normalizeNarrowing,
  parsePathPrefix,
  requestNarrowingRefusal,
  validateNarrowing,
} from './connection-narrowing';

describe('path prefixes are parsed into canonical absolute paths', () => {
  it.each([
    ['/', '/'],
    ['/repos/acme', '/repos/acme'],
    ['/repos/acme/', '/repos/acme'],
    ['/repos/acme/api.git', '/repos/acme/api.git'],
    ["/a/b~c_d-e!$&'()*+,;=:@", "/a/b~c_d-e!$&'()*+,;=:@"],
  ])('accepts %j as %j', (text, prefix) => {
    expect(parsePathPrefix(text)).toEqual({ ok: true, prefix });
  });

  it.each([
    ['a relative path', 'repos/acme', 'a path prefix starts with /'],
    ['an empty string', '', 'a path prefix starts with /'],
    ['an empty segment', '/repos//acme', 'a path prefix has no empty segment (//)'],
    ['a doubled root', '//repos', 'a path prefix has no empty segment (//)'],
    ['a trailing doubled slash', '/repos//', 'a path prefix has no empty segment (//)'],
    ['a dot segment', '/repos/./acme', 'a path prefix has no . or .. segment'],
    ['a dot-dot segment', '/repos/acme/..', 'a path prefix has no . or .. segment'],
  ])('refuses %s', (_what, text, message) => {
    expect(parsePathPrefix(text)).toEqual({ ok: false, message });
  });

  it.each([
    ['a percent-escape', '/repos/%61cme'],
    ['an encoded separator', '/repos/acme%2F..'],
    ['a control character', '/repos/ac\u0000me'],
    ['a newline', '/repos/acme\n'],
    ['a space', '/repos/ac me'],
    ['a query', '/repos/acme?x=1'],
    ['a fragment', '/repos/acme#top'],
    ['a backslash', '/repos\\acme'],
    ['a non-ASCII look-alike', '/repos/\u0430cme'],
    ['a zero-width character', '/repos/acme\u200b'],
  ])('refuses %s: literal path characters only', (_what, text) => {
    expect(parsePathPrefix(text)).toEqual({
      ok: false,
      message:
        'a path prefix holds literal path characters only: no percent-escape, control character, ? or #',
    });
  });
});

describe('a narrowing as a document states it', () => {
  it('names every malformed host and path prefix with its own code and field', () => {
    const narrowing = { hosts: ['api.github.com', 'evil.com/.github.com'], pathPrefixes: ['/ok', '/a/../b'] };
    expect(validateNarrowing(narrowing, 'connections[0].narrowing')).toEqual([
      { code: 'malformed-host', path: 'connections[0].narrowing.hosts[1]', message: expect.any(String) },
      {
        code: 'malformed-path-prefix',
        path: 'connections[0].narrowing.pathPrefixes[1]',
        message: 'a path prefix has no . or .. segment',
      },
    ]);
  });

  it('finds nothing to refuse in a well-formed narrowing or none', () => {
    expect(validateNarrowing({ hosts: ['API.GitHub.com.'], pathPrefixes: ['/repos/'] }, 'n')).toEqual([]);
    expect(validateNarrowing(undefined, 'n')).toEqual([]);
  });

  it('accepts only HTTP methods or read-only, and nothing beyond hosts, prefixes and methods', () => {
    expect(connectionNarrowingSchema.safeParse({ methods: ['GET', 'PATCH'] }).success).toBe(true);
    expect(connectionNarrowingSchema.safeParse({ methods: 'read-only' }).success).toBe(true);
    expect(connectionNarrowingSchema.safeParse({ methods: ['get'] }).success).toBe(false);
    expect(connectionNarrowingSchema.safeParse({ methods: ['CONNECT'] }).success).toBe(false);
    expect(connectionNarrowingSchema.safeParse({ methods: 'write-only' }).success).toBe(false);
    expect(connectionNarrowingSchema.safeParse({ methods: [] }).success).toBe(false);
    expect(connectionNarrowingSchema.safeParse({ hosts: [] }).success).toBe(false);
    expect(connectionNarrowingSchema.safeParse({ ports: [443] }).success).toBe(false);
  });

  it('keeps one canonical form: hosts and prefixes parsed, sorted, once; methods in protocol order', () => {
    expect(
      normalizeNarrowing({
        hosts: ['API.GitHub.com.', 'api.github.com', 'Bücher.example'],
        pathPrefixes: ['/repos/b/', '/repos/a', '/repos/b'],
        methods: ['POST', 'GET', 'GET'],
      }),
    ).toEqual({
      hosts: ['api.github.com', 'xn--bcher-kva.example'],
      pathPrefixes: ['/repos/a', '/repos/b'],
      methods: ['GET', 'POST'],
    });
    expect(normalizeNarrowing({ methods: 'read-only' })).toEqual({ methods: 'read-only' });
    // Unvalidated input is kept as written rather than thrown on (the decider refuses it first).
    expect(normalizeNarrowing({ hosts: ['a b'], pathPrefixes: ['x/../y'] })).toEqual({
      hosts: ['a b'],
      pathPrefixes: ['x/../y'],
    });
    expect(normalizeNarrowing({})).toEqual({});
  });
});

describe('the methods a narrowing admits', () => {
  it.each<[ConnectionNarrowing | undefined, readonly string[] | undefined, boolean]>([
    [undefined, undefined, false],
    [{ hosts: ['api.github.com'] }, undefined, false],
    [{ methods: 'read-only' }, ['GET', 'HEAD'], true],
    [{ methods: ['GET'] }, ['GET'], true],
    [{ methods: ['HEAD', 'GET'] }, ['HEAD', 'GET'], true],
    [{ methods: ['GET', 'OPTIONS'] }, ['GET', 'OPTIONS'], false],
    [{ methods: ['POST'] }, ['POST'], false],
  ])('given %j, admits %j, read-only: %s', (narrowing, methods, readOnly) => {
    expect(narrowedMethods(narrowing)).toEqual(methods);
    expect(isReadOnlyNarrowing(narrowing)).toBe(readOnly);
  });
});

describe('a call against a narrowing', () => {
  const narrowing: ConnectionNarrowing = {
    hosts: ['api.github.com'],
    pathPrefixes: ['/repos/acme', '/user'],
    methods: 'read-only',
  };
  const call = { host: 'api.github.com', path: '/repos/acme/api/pulls', method: 'GET' };

  it('admits a call inside every part, and any call when nothing narrows', () => {
    expect(checkNarrowing(narrowing, call)).toBeUndefined();
    expect(checkNarrowing(narrowing, { ...call, path: '/repos/acme' })).toBeUndefined();
    expect(checkNarrowing(narrowing, { ...call, path: '/user' })).toBeUndefined();
    expect(checkNarrowing(narrowing, { ...call, method: 'HEAD' })).toBeUndefined();
    expect(checkNarrowing(undefined, { ...call, method: 'DELETE' })).toBeUndefined();
    expect(checkNarrowing({}, { ...call, method: 'DELETE' })).toBeUndefined();
    expect(checkNarrowing({ pathPrefixes: ['/'] }, { ...call, path: '/anything' })).toBeUndefined();
  });

  it('refuses another host', () => {
    expect(checkNarrowing(narrowing, { ...call, host: 'uploads.github.com' })).toEqual({
      code: 'outside-narrowing-host',
      message: "The connection's credential is not for uploads.github.com",
    });
  });

  it.each(['/repos/acme-evil/api', '/repos/acm', '/repos', '/users/x', '/'])(
    'refuses %s: a prefix covers itself and what lies below it on a segment boundary',
    (path) => {
      expect(checkNarrowing(narrowing, { ...call, path })).toEqual({
        code: 'outside-narrowing-path',
        message: "The connection's credential is for /repos/acme, /user only",
      });
    },
  );

  it.each(['POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'get'])(
    'refuses %s on a read-only connection',
    (method) => {
      expect(checkNarrowing(narrowing, { ...call, method })).toEqual({
        code: 'outside-narrowing-method',
        message: "The connection's credential is for GET, HEAD only",
      });
    },
  );

  it('names the host first, then the path, then the method', () => {
    expect(checkNarrowing(narrowing, { host: 'x.example', path: '/x', method: 'POST' })?.code).toBe(
      'outside-narrowing-host',
    );
    expect(checkNarrowing(narrowing, { ...call, path: '/x', method: 'POST' })?.code).toBe(
      'outside-narrowing-path',
    );
    expect(checkNarrowing({ methods: ['POST'] }, call)).toEqual({
      code: 'outside-narrowing-method',
      message: "The connection's credential is for POST only",
    });
  });
});

describe('a request a verifier names, against a narrowing', () => {
  const narrowing: ConnectionNarrowing = {
    hosts: ['tracker.acme.test'],
    pathPrefixes: ['/rest/api/ENG'],
    methods: 'read-only',
  };
  const request = { host: 'tracker.acme.test', path: '/rest/api/ENG/issue/ENG-1', method: 'GET' };

  it('admits a request inside it, spelled as received: the host in any case, the method in lower case, a trailing /', () => {
    expect(requestNarrowingRefusal(narrowing, request)).toBeUndefined();
    expect(requestNarrowingRefusal(narrowing, { ...request, host: 'Tracker.ACME.test.' })).toBeUndefined();
    expect(requestNarrowingRefusal(narrowing, { ...request, method: 'head' })).toBeUndefined();
    expect(requestNarrowingRefusal(narrowing, { ...request, path: '/rest/api/ENG/' })).toBeUndefined();
    expect(requestNarrowingRefusal(undefined, { host: '', path: '', method: 'DELETE' })).toBeUndefined();
  });

  it.each([
    ['a dot-dot segment', '/rest/api/ENG/../HR'],
    ['a percent-escape', '/rest/api/ENG/%2e%2e/HR'],
    ['an empty segment', '/rest/api/ENG//x'],
    ['a relative path', 'rest/api/ENG'],
  ])('refuses %s: a path is compared only once canonical', (_what, path) => {
    expect(requestNarrowingRefusal(narrowing, { ...request, path })?.code).toBe('outside-narrowing-path');
  });

  it('refuses another host, a neighbouring path and a write', () => {
    expect(requestNarrowingRefusal(narrowing, { ...request, host: 'evil.example' })?.code).toBe(
      'outside-narrowing-host',
    );
    expect(requestNarrowingRefusal(narrowing, { ...request, host: 'tracker.acme.test:443' })?.code).toBe(
      'outside-narrowing-host',
    );
    expect(requestNarrowingRefusal(narrowing, { ...request, path: '/rest/api/ENGINEERING' })?.code).toBe(
      'outside-narrowing-path',
    );
    expect(requestNarrowingRefusal(narrowing, { ...request, method: 'POST' })?.code).toBe(
      'outside-narrowing-method',
    );
  });
});
