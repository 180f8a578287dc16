/**
 * Cheap checks on the start of a file: is it UTF-8 text at all, and which delimiter does its
 * header line use.
 */
import { InputError } from '../../errors.ts';

/** Delimiters recognised in a header line, most likely first (wins ties). */
export const DETECTABLE_DELIMITERS = [',', ';', '\t', '|'] as const;

/** Bytes inspected by `checkTextStart`. */
export const TEXT_CHECK_BYTES = 1024;

/**
 * The delimiter a header line uses: whichever of `,` `;` tab `|` occurs most often outside quotes
 * (`,` when none does, e.g. a one-column file).
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (DETECTABLE_DELIMITERS as readonly string[]).includes(ch)) {
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
  }
  let best: string = ',';
  let bestCount = 0;
  for (const d of DETECTABLE_DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** `--delimiter` text to one character: accepts "\t", "tab", "comma", "semicolon", "pipe". */
export function normalizeDelimiter(value: string): string {
  const named: Record<string, string> = {
    '\\t': '\t',
    tab: '\t',
    comma: ',',
    semicolon: ';',
    pipe: '|',
  };
  const resolved = named[value.toLowerCase()] ?? value;
  if (resolved.length !== 1 || resolved === '"' || resolved === '\n' || resolved === '\r') {
    throw new InputError(`Delimiter ${JSON.stringify(value)} is not a single usable character.`, {
      hint: 'Use --delimiter "," or ";" or tab.',
    });
  }
  return resolved;
}

/** The header line messages name for a sales file (customers files pass their own). */
export const SALES_HEADER = 'customer_id,date,amount';

/**
 * Throws `InputError` unless `start` (the first bytes of the file, BOM included) looks like UTF-8
 * text: no NUL bytes, no UTF-16 byte-order mark, not a zip/xlsx container, valid UTF-8.
 */
export function checkTextStart(file: string, start: Uint8Array, header = SALES_HEADER): void {
  const head = start.subarray(0, TEXT_CHECK_BYTES);
  const expected = `Expected a UTF-8 text CSV file with a header line (${header}).`;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new InputError(`${file} is UTF-16 text, not UTF-8. ${expected}`, {
      hint: 'Save it again as "CSV UTF-8" (Excel) or convert it with iconv -f UTF-16 -t UTF-8.',
    });
  }
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new InputError(`${file} is a zip archive (an Excel .xlsx workbook?), not a CSV file. ${expected}`, {
      hint: 'Export the sheet as CSV (File > Save As > CSV UTF-8).',
    });
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new InputError(
      `${file} is not a CSV file: it holds binary data (a NUL byte at offset ${nul}). ${expected}`,
      {
        hint: 'Export the data as CSV text.',
      },
    );
  }
  try {
    // `stream: true` tolerates a character cut in half at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch (error) {
    throw new InputError(
      `${file} is not valid UTF-8 text (Latin-1 or Windows-1252 perhaps, or not text at all). ${expected}`,
      {
        cause: error,
        hint: 'Save it again as "CSV UTF-8" or convert it with iconv -f WINDOWS-1252 -t UTF-8.',
      },
    );
  }
}
