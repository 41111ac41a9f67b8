/**
 * JSON text from outside (HTTP bodies, stream entries) parsed with a nesting limit. An event needs
 * 3 levels; a body nested thousands deep parses (V8's JSON.parse is not recursive) but then breaks
 * everything recursive that touches it (JSON.stringify, validation, structured clone) with a stack
 * overflow. So the depth is measured on the text first, in one linear scan, and deep text is refused
 * before anything parses or walks it. Pure: no Node built-ins (the browser uses shared/ too).
 */

export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }

/** Parses JSON text, refusing text that nests arrays/objects deeper than maxDepth. Never throws. */
export function parseJson(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
): { ok: true; value: unknown } | { ok: false; error: 'invalid_json' | 'too_deep'; message: string } {
  if (typeof text !== 'string') return { ok: false, error: 'invalid_json', message: 'not JSON text' };
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++; // the escaped character (a quote, a backslash, the u of \uXXXX) is skipped
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return { ok: false, error: 'too_deep', message: `nested deeper than ${maxDepth} levels (at character ${i})` };
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      // outside strings, valid JSON never closes more than it opened
      if (--depth < 0) return { ok: false, error: 'invalid_json', message: `not valid JSON: unexpected '${text[i]}' at character ${i}` };
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: 'invalid_json', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}
