/**
 * Slack's Block Kit limits (shared/spec/slack-platform.md), checked before anything is sent:
 * a message Slack refuses is a lost digest. `checkMessage` / `checkView` walk any object shaped
 * like Block Kit and return every broken limit with a path (`blocks[3].text.text: 3012 chars > 3000`);
 * an empty list means it fits.
 *
 * Lengths are counted in UTF-16 code units (`string.length`), which is never less than Slack's
 * character count, so a message that passes here is not too long there.
 */

export interface LimitViolation {
  /** Where, e.g. `blocks[3].text.text`. */
  path: string;
  /** The limit broken (chars, items), when it is a number. */
  limit?: number;
  /** What was found. */
  actual?: number;
  /** One line: `blocks[3].text.text: 3012 chars > 3000`. */
  message: string;
}

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  selectOptions: 100,
  overflowOptions: 5,
  radioOptions: 10,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  textInputMax: 3000,
  imageAltText: 2000,
  /** Confirmation dialog object: title, text, and its two buttons (all plain_text). */
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  overflowOptionsMin: 2,
  markdownTotal: 12_000,
  tableRows: 100,
  tableCells: 20,
  /** Slack answers `msg_blocks_too_long` from roughly this much block text (undocumented). */
  totalBlockText: 13_200,
  /** A fallback `text` next to blocks feeds notifications: keep it short. */
  fallbackText: 3000,
  /** A message without blocks is truncated past this. */
  messageText: 40_000,
} as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly violations: LimitViolation[] = [];
  readonly blockIds = new Map<string, string>();
  markdownChars = 0;
  tables = 0;

  tooLong(path: string, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max) {
      this.violations.push({
        path,
        limit: max,
        actual: value.length,
        message: `${path}: ${value.length} chars > ${max}`,
      });
    }
  }

  tooMany(path: string, list: unknown, max: number, what: string): void {
    if (Array.isArray(list) && list.length > max) {
      this.violations.push({
        path,
        limit: max,
        actual: list.length,
        message: `${path}: ${list.length} ${what} > ${max}`,
      });
    }
  }

  problem(path: string, message: string): void {
    this.violations.push({ path, message: `${path}: ${message}` });
  }

  /** A text object: `{ type, text }`. */
  text(path: string, value: unknown, max: number): void {
    if (isObj(value)) this.tooLong(`${path}.text`, value.text, max);
  }

  option(path: string, option: unknown): void {
    if (!isObj(option)) return;
    this.text(`${path}.text`, option.text, LIMITS.optionText);
    this.tooLong(`${path}.value`, option.value, LIMITS.optionValue);
    this.text(`${path}.description`, option.description, LIMITS.optionDescription);
    this.tooLong(`${path}.url`, option.url, LIMITS.url);
  }

  /** A confirmation dialog: every part required and plain_text. */
  confirm(path: string, value: unknown): void {
    if (!isObj(value)) {
      this.problem(path, 'a confirmation dialog must be an object');
      return;
    }
    const parts = [
      ['title', LIMITS.confirmTitle],
      ['text', LIMITS.confirmText],
      ['confirm', LIMITS.confirmButton],
      ['deny', LIMITS.confirmButton],
    ] as const;
    for (const [key, max] of parts) {
      const part = value[key];
      if (!isObj(part) || typeof part.text !== 'string') this.problem(`${path}.${key}`, 'missing');
      else {
        this.text(`${path}.${key}`, part, max);
        if (part.type !== 'plain_text')
          this.problem(`${path}.${key}.type`, 'a confirmation takes plain_text');
      }
    }
  }

  options(path: string, options: unknown, max: number): void {
    this.tooMany(path, options, max, 'options');
    if (Array.isArray(options)) for (const [i, o] of options.entries()) this.option(`${path}[${i}]`, o);
  }

  element(path: string, el: unknown): void {
    if (!isObj(el)) return;
    this.tooLong(`${path}.action_id`, el.action_id, LIMITS.id);
    this.text(`${path}.placeholder`, el.placeholder, LIMITS.placeholder);
    if (el.confirm !== undefined) this.confirm(`${path}.confirm`, el.confirm);
    switch (el.type) {
      case 'button':
        this.text(`${path}.text`, el.text, LIMITS.buttonText);
        this.tooLong(`${path}.value`, el.value, LIMITS.buttonValue);
        this.tooLong(`${path}.url`, el.url, LIMITS.url);
        break;
      case 'overflow':
        this.options(`${path}.options`, el.options, LIMITS.overflowOptions);
        if (!Array.isArray(el.options) || el.options.length < LIMITS.overflowOptionsMin)
          this.problem(
            `${path}.options`,
            `an overflow menu needs at least ${LIMITS.overflowOptionsMin} options`,
          );
        break;
      case 'static_select':
      case 'multi_static_select': {
        this.options(`${path}.options`, el.options, LIMITS.selectOptions);
        this.tooMany(`${path}.option_groups`, el.option_groups, LIMITS.selectOptions, 'option groups');
        if (Array.isArray(el.option_groups)) {
          el.option_groups.forEach((g, i) => {
            if (isObj(g))
              this.options(`${path}.option_groups[${i}].options`, g.options, LIMITS.selectOptions);
          });
        }
        this.option(`${path}.initial_option`, el.initial_option);
        break;
      }
      case 'radio_buttons':
      case 'checkboxes':
        this.options(`${path}.options`, el.options, LIMITS.radioOptions);
        this.option(`${path}.initial_option`, el.initial_option);
        break;
      case 'plain_text_input':
        this.tooLong(`${path}.initial_value`, el.initial_value, LIMITS.textInputMax);
        if (typeof el.max_length === 'number' && el.max_length > LIMITS.textInputMax) {
          this.problem(`${path}.max_length`, `${el.max_length} > ${LIMITS.textInputMax}`);
        }
        break;
      case 'image':
        this.tooLong(`${path}.alt_text`, el.alt_text, LIMITS.imageAltText);
        this.tooLong(`${path}.image_url`, el.image_url, LIMITS.url);
        break;
      default:
        break;
    }
  }

  /**
   * An image shows `image_url` or `slack_file` (a file by `id` or by `url`), exactly one of each pair:
   * Slack refuses both, or neither. Alt text is required.
   */
  imageSource(path: string, image: Obj): void {
    const file = image.slack_file;
    if ((image.image_url === undefined) === (file === undefined)) {
      this.problem(path, 'an image needs exactly one of image_url and slack_file');
    }
    if (isObj(file) && (file.id === undefined) === (file.url === undefined)) {
      this.problem(`${path}.slack_file`, 'slack_file needs exactly one of id and url');
    }
    if (typeof image.alt_text !== 'string' || image.alt_text === '') {
      this.problem(`${path}.alt_text`, 'an image needs alt text');
    }
  }

  block(path: string, block: unknown): void {
    if (!isObj(block)) {
      this.problem(path, 'not a block object');
      return;
    }
    if (typeof block.block_id === 'string') {
      this.tooLong(`${path}.block_id`, block.block_id, LIMITS.id);
      const first = this.blockIds.get(block.block_id);
      if (first !== undefined)
        this.problem(`${path}.block_id`, `"${block.block_id.slice(0, 60)}" repeats ${first}`);
      else this.blockIds.set(block.block_id, path);
    }
    switch (block.type) {
      case 'section':
        this.text(`${path}.text`, block.text, LIMITS.sectionText);
        this.tooMany(`${path}.fields`, block.fields, LIMITS.sectionFields, 'fields');
        if (Array.isArray(block.fields)) {
          for (const [i, f] of block.fields.entries())
            this.text(`${path}.fields[${i}]`, f, LIMITS.sectionFieldText);
        }
        if (!block.text && !block.fields) this.problem(path, 'a section needs text or fields');
        this.element(`${path}.accessory`, block.accessory);
        break;
      case 'header':
        this.text(`${path}.text`, block.text, LIMITS.headerText);
        if (isObj(block.text) && block.text.type !== 'plain_text')
          this.problem(`${path}.text.type`, 'a header takes plain_text');
        break;
      case 'context':
        this.tooMany(`${path}.elements`, block.elements, LIMITS.contextElements, 'elements');
        if (Array.isArray(block.elements))
          for (const [i, e] of block.elements.entries()) this.element(`${path}.elements[${i}]`, e);
        break;
      case 'actions':
        this.tooMany(`${path}.elements`, block.elements, LIMITS.actionsElements, 'elements');
        if (Array.isArray(block.elements))
          for (const [i, e] of block.elements.entries()) this.element(`${path}.elements[${i}]`, e);
        break;
      case 'input':
        this.text(`${path}.label`, block.label, LIMITS.inputLabel);
        this.text(`${path}.hint`, block.hint, LIMITS.inputHint);
        this.element(`${path}.element`, block.element);
        break;
      case 'image':
        this.tooLong(`${path}.alt_text`, block.alt_text, LIMITS.imageAltText);
        this.tooLong(`${path}.image_url`, block.image_url, LIMITS.url);
        this.text(`${path}.title`, block.title, 2000);
        this.imageSource(path, block);
        break;
      case 'markdown':
        if (typeof block.text === 'string') this.markdownChars += block.text.length;
        break;
      case 'table':
        this.tables++;
        this.tooMany(`${path}.rows`, block.rows, LIMITS.tableRows, 'rows');
        if (Array.isArray(block.rows)) {
          for (const [i, r] of block.rows.entries())
            this.tooMany(`${path}.rows[${i}]`, r, LIMITS.tableCells, 'cells');
        }
        break;
      default:
        break;
    }
  }

  blocks(blocks: unknown, max: number): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) {
      this.problem('blocks', 'not an array');
      return;
    }
    this.tooMany('blocks', blocks, max, 'blocks');
    for (const [i, b] of blocks.entries()) this.block(`blocks[${i}]`, b);
    if (this.markdownChars > LIMITS.markdownTotal) {
      this.violations.push({
        path: 'blocks',
        limit: LIMITS.markdownTotal,
        actual: this.markdownChars,
        message: `blocks: ${this.markdownChars} chars in markdown blocks > ${LIMITS.markdownTotal}`,
      });
    }
    if (this.tables > 1) this.problem('blocks', `${this.tables} table blocks > 1`);
  }
}

/**
 * Characters of text in blocks, as Slack's undocumented `msg_blocks_too_long` seems to count them:
 * every string under a `text` key, at any depth (text objects, markdown blocks, rich text).
 */
export function measureBlockText(blocks: readonly unknown[]): number {
  let total = 0;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (isObj(value)) {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'text' && typeof v === 'string') total += v.length;
        else walk(v);
      }
    }
  };
  walk(blocks);
  return total;
}

/** Checks a message (`chat.postMessage`, `chat.update`, `respond`, ephemeral). */
export function checkMessage(message: { text?: string; blocks?: readonly unknown[] }): LimitViolation[] {
  const c = new Checker();
  const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
  if (typeof message.text !== 'string' || message.text.trim() === '') {
    c.problem('text', 'fallback text is missing (notifications and screen readers need it)');
  } else {
    c.tooLong('text', message.text, hasBlocks ? LIMITS.fallbackText : LIMITS.messageText);
  }
  c.blocks(message.blocks, LIMITS.messageBlocks);
  if (hasBlocks) {
    const total = measureBlockText(message.blocks as readonly unknown[]);
    if (total > LIMITS.totalBlockText) {
      c.violations.push({
        path: 'blocks',
        limit: LIMITS.totalBlockText,
        actual: total,
        message: `blocks: ${total} chars of block text > ${LIMITS.totalBlockText} (msg_blocks_too_long)`,
      });
    }
  }
  return c.violations;
}

/** Checks a modal or Home tab view (`views.open`, `views.push`, `views.update`, `views.publish`). */
export function checkView(view: Record<string, unknown>): LimitViolation[] {
  const c = new Checker();
  if (view.type === 'modal') {
    if (!isObj(view.title)) c.problem('title', 'a modal needs a title');
    c.text('title', view.title, LIMITS.modalTitle);
    c.text('submit', view.submit, LIMITS.modalButton);
    c.text('close', view.close, LIMITS.modalButton);
  }
  c.tooLong('private_metadata', view.private_metadata, LIMITS.privateMetadata);
  c.tooLong('callback_id', view.callback_id, LIMITS.id);
  c.tooLong('external_id', view.external_id, LIMITS.id);
  c.blocks(view.blocks, LIMITS.viewBlocks);
  return c.violations;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Shortens `text` to at most `max` UTF-16 units, ending in "…" when cut. Cuts between graphemes,
 * so no surrogate pair, emoji sequence or accent is split.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const room = max - 1;
  let end = 0;
  for (const { index, segment } of segmenter.segment(text)) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end).trimEnd()}…`;
}
