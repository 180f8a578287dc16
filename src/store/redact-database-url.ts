/**
 * A database URL made safe to show: the password (in the userinfo or a `password=` parameter) is
 * masked, everything else kept so that a wrong host or database name is still visible.
 */
import { REDACTED, scrubSecrets } from '../logger.ts';

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
    // Not a URL (a libpq key=value string, a typo): fall back to the pattern scrubber.
    return scrubSecrets(url).replace(/(password\s*=\s*)\S+/gi, `$1${REDACTED}`);
  }
}

/** The password of a database URL, for masking wherever it might be echoed; undefined when none. */
export function databaseUrlPassword(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    const password = decodeURIComponent(parsed.password) || parsed.searchParams.get('password') || '';
    return password || undefined;
  } catch {
    return /password\s*=\s*(\S+)/i.exec(url)?.[1];
  }
}
