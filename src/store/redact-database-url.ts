/**
 * A database URL made safe to show: the password (in the userinfo or a `password=` parameter) is
 * masked, everything else kept so that a wrong host or database name is still visible.
 */
import { REDACTED, scrubSecrets } from '../logger.ts';

/** `scheme://user:password@host...` when WHATWG URL refuses it: the password runs to the last `@`. */
const LOOSE_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):(.*)@([^@]*)$/is;
const KEY_VALUE_PASSWORD = /((?:^|[\s?&])(?:ssl)?password\s*=\s*)('[^']*'|[^\s&]+)/gi;

export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    for (const key of ['password', 'sslpassword']) {
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, REDACTED);
    }
    // URL escapes the brackets of the mask; put them back for readability.
    return parsed.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
  } catch {
    // Not a valid URL (a typo, a libpq key=value string): mask by pattern.
    const masked = url
      .replace(LOOSE_USERINFO, `$1:${REDACTED}@$3`)
      .replace(KEY_VALUE_PASSWORD, `$1${REDACTED}`);
    return scrubSecrets(masked);
  }
}

/** The password of a database URL, for masking wherever it might be echoed; undefined when none. */
export function databaseUrlPassword(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const password = decodeURIComponent(parsed.password) || parsed.searchParams.get('password') || '';
    return password || undefined;
  } catch {
    const loose = LOOSE_USERINFO.exec(url)?.[2];
    if (loose) return loose;
    return /(?:^|[\s?&])password\s*=\s*('[^']*'|[^\s&]+)/i.exec(url)?.[1]?.replace(/^'|'$/g, '');
  }
}
