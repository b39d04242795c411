import dns, { type LookupAddress, type LookupOptions } from 'node:dns';

/**
 * The gateway's entry point behind a DNS zone the test controls: a name in MANDATE_TEST_DNS
 * (`{"rebind.example.test": ["127.0.0.1"]}`) resolves to the addresses given, as an attacker's zone
 * would answer for a name the allowlist allows; any other name resolves as usual. Test-only: the
 * gateway itself has no such setting.
 */
const zone = JSON.parse(process.env.MANDATE_TEST_DNS ?? '{}') as Record<string, string[]>;
const systemLookup = dns.lookup;

function testLookup(
  hostname: string,
  optionsOrCallback: LookupOptions | number | ((...args: unknown[]) => void),
  maybeCallback?: (...args: unknown[]) => void,
): void {
  const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
  const options = typeof optionsOrCallback === 'object' ? optionsOrCallback : {};
  const answers = zone[hostname];
  if (answers === undefined) {
    return void (systemLookup as (...args: unknown[]) => void)(hostname, optionsOrCallback, maybeCallback);
  }
  const all: LookupAddress[] = answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  process.nextTick(() => (options.all ? callback(null, all) : callback(null, all[0].address, all[0].family)));
}

dns.lookup = testLookup as typeof dns.lookup;
// Loaded after the patch, so every lookup the gateway makes goes through the test's zone.
void import('../../apps/gateway/src/main');
