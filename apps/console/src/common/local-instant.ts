/**
 * A `datetime-local` value as the browser gives it: it normalises to the shortest form, so the
 * seconds go when they are zero and the fraction loses its trailing zeros ("…T19:07:48.9").
 */
const LOCAL_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?$/;

/** A `datetime-local` value (the person's own time zone) as an ISO-8601 UTC instant, or undefined. */
export function instantOf(local: string): string | undefined {
  const parts = LOCAL_DATE_TIME.exec(local);
  if (parts === null) return undefined;
  const [year, month, day, hour, minute, second = '0', fraction = '0'] = parts.slice(1);
  const date = new Date(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0')),
  );
  // The Date constructor rolls an out-of-range field over (Feb 30 → Mar 2); refuse it instead.
  const exact =
    date.getFullYear() === Number(year) &&
    date.getMonth() === Number(month) - 1 &&
    date.getDate() === Number(day) &&
    date.getHours() === Number(hour) &&
    date.getMinutes() === Number(minute);
  return exact ? date.toISOString() : undefined;
}

/** An ISO-8601 instant as a `datetime-local` value in the person's own time zone, to the millisecond. */
export function localOf(instant: string): string {
  const date = new Date(instant);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 23);
}
