/* Amounts, dates and words as the owner reads them. Amounts arrive in a currency's smallest
 * unit (as Stripe sends them); Intl knows each currency's decimals. */

function formatter(currency) {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
  } catch {
    return null;  // a code Intl does not know
  }
}

export function decimals(currency) {
  return formatter(currency)?.resolvedOptions().maximumFractionDigits ?? 2;
}

export function money(amount, currency) {
  const places = decimals(currency);
  const value = (amount || 0) / 10 ** places;
  return formatter(currency)?.format(value) ?? `${value.toFixed(places)} ${currency.toUpperCase()}`;
}

/** "12.5" in usd -> 1250; null when it is not a positive amount with at most the currency's decimals. */
export function toMinor(text, currency) {
  const places = decimals(currency);
  const match = String(text).trim().match(/^(\d+)(?:[.,](\d*))?$/);
  if (!match || (match[2] || "").length > places) return null;
  const minor = Number(match[1]) * 10 ** places + Number((match[2] || "").padEnd(places, "0") || 0);
  return minor > 0 && Number.isSafeInteger(minor) ? minor : null;
}

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

/** A Unix time (seconds) in the owner's time zone. */
export function when(seconds) {
  return seconds ? DATE_TIME.format(new Date(seconds * 1000)) : "—";
}

/** A "YYYY-MM-DD" day label (already the owner's day) for reading. */
export function day(label) {
  return DAY.format(new Date(`${label}T00:00:00Z`));
}

export function datetimeAttr(seconds) {
  return new Date(seconds * 1000).toISOString();
}

export function percent(ratio) {
  return ratio === null || ratio === undefined ? "—" : `${(ratio * 100).toFixed(1)}%`;
}

/** The owner's offset from UTC in minutes east, as the API's `tz` wants it. */
export function tzOffset() {
  return -new Date().getTimezoneOffset();
}

export function words(code) {
  return String(code || "").replaceAll("_", " ");
}
