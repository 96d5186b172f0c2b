/**
 * What of a configured value may be shown in an error or a log line. Secrets are found by
 * parsing, never by a regular expression over the whole value: a password may hold `/`, `@`,
 * `:` or `%2F`, and a URL may have no username at all (`redis://:pw@host`). A value that looks
 * like a URL but does not parse is shown as nothing, since we cannot tell where its secret ends.
 */

/** Variables whose whole value is a secret, by name. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY/i;
const HIDDEN = "…";

export function redactValue(variable: string, value: string): string {
  if (SECRET_NAME.test(variable)) return HIDDEN;
  if (value.includes("://") || /_URL$/i.test(variable)) return redactUrl(value);
  return value.length > 60 ? value.slice(0, 57) + HIDDEN : value;
}

/**
 * A URL fit for a log line: username and password replaced by "…", the query (which may carry
 * `?password=`) and fragment hidden. Unparseable: "…" only.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return HIDDEN;
  }
  const credentials =
    url.username || url.password ? `${url.username ? HIDDEN : ""}${url.password ? `:${HIDDEN}` : ""}@` : "";
  // Only non-special schemes (postgres:, redis:) can have an opaque path; show it only if it is a path.
  const rest = url.host ? url.pathname : "";
  return `${url.protocol}//${credentials}${url.host}${rest}${url.search ? `?${HIDDEN}` : ""}${url.hash ? `#${HIDDEN}` : ""}`;
}
