import { domainToASCII } from 'node:url';

export interface HostParts {
  /** Lower-case ASCII name (IDN as punycode), without a trailing dot; IPv6 literals keep their brackets. */
  name: string;
  /** The explicit port, '' when none (or the HTTP/HTTPS default). */
  port: string;
}

/**
 * Parses a Host header, an Origin's host or a configured domain into one canonical form, so that
 * `Musterstadt.Example.`, `musterstadt.example:443` and `xn--…` spellings of one name compare equal.
 * Every place that compares host names goes through here. Null when it is no valid host.
 */
export function parseHost(raw: string | null | undefined): HostParts | null {
  if (typeof raw !== 'string') return null;
  const value = raw.trim();
  if (!value || value.length > 300) return null;
  let name: string;
  let port: string;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return null;
    name = value.slice(0, end + 1).toLowerCase();
    const rest = value.slice(end + 1);
    if (rest && !/^:\d{1,5}$/.test(rest)) return null;
    port = rest.slice(1);
  } else {
    const m = /^([^:/\\?#@\s]+)(?::(\d{1,5}))?$/.exec(value);
    if (!m) return null;
    // One trailing dot is the fully qualified spelling of the same name.
    const bare = m[1].endsWith('.') ? m[1].slice(0, -1) : m[1];
    name = domainToASCII(bare).toLowerCase();
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) return null;
    port = m[2] ?? '';
  }
  if (port === '80' || port === '443') port = '';
  return { name, port };
}

/** The canonical host name alone (no port), or null. */
export function normalizeHost(raw: string | null | undefined): string | null {
  return parseHost(raw)?.name ?? null;
}
