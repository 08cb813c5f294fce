import type { IncomingMessage } from 'node:http';
import { fieldName, ParameterError } from './params';

const MEDIA_TYPE = 'application/json';

/** `application/json`, with or without parameters (`; charset=utf-8`), in any case. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.length < MEDIA_TYPE.length) return false;
  if (contentType.length > MEDIA_TYPE.length) {
    const next = contentType.charCodeAt(MEDIA_TYPE.length);
    if (next !== SEMICOLON && next !== SPACE) return false;
  }
  return contentType.slice(0, MEDIA_TYPE.length).toLowerCase() === MEDIA_TYPE;
}

/**
 * The request body parsed as JSON. A ParameterError on field `content-type` (415) unless the
 * body is declared `application/json`; on field `body` when too large or malformed; on the
 * field's path for what JSON.parse accepts but the engine refuses (see `refusedInJson`).
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!isJson(req.headers['content-type'])) {
    req.resume(); // the body is not read: let it drain
    return Promise.reject(
      new ParameterError('content-type', `content-type must be ${MEDIA_TYPE}`, 'UNSUPPORTED_MEDIA_TYPE'),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > maxBytes) return reject(new ParameterError('body', `body is larger than ${maxBytes} bytes`));
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return reject(new ParameterError('body', 'body is not valid JSON'));
      }
      const refused = refusedInJson(text);
      if (refused) return reject(refused);
      resolve(body);
    });
  });
}

/** Keys that would name an object's prototype machinery rather than data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  array: boolean;
  /** Objects: the current key, whether there is one, and the keys seen (made at the second key). */
  key: string;
  seenKey: boolean;
  keys: Set<string> | null;
  expectKey: boolean;
  /** Arrays: the current element. */
  index: number;
}

/**
 * What valid JSON may say that the engine refuses, found in one pass over the text JSON.parse
 * has accepted (so the scan needs no validation of its own): a key given twice in one object
 * (JSON.parse keeps the last silently), a `__proto__` / `constructor` / `prototype` key, and
 * a control character (U+0000–U+001F, U+007F: NUL, newline …) escaped in a string. The error
 * names the path the way clients write it (`portfolio.AAPL`, `orders[2].symbol`).
 */
export function refusedInJson(text: string): ParameterError | null {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      let control = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          const e = text.charCodeAt(j + 1);
          if (e === LOWER_U) {
            const v = hex4(text, j + 2);
            if (v < 0x20 || v === DEL) control = true;
            j += 6;
          } else {
            // \b \f \n \r \t are control characters; \" \\ \/ are not.
            if (e !== QUOTE && e !== BACKSLASH && e !== SLASH) control = true;
            j += 2;
          }
        } else {
          if (d === DEL) control = true; // the one control character JSON lets through unescaped
          j++;
        }
      }
      const top = stack.length ? stack[stack.length - 1]! : null;
      if (top && !top.array && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        let twice: boolean;
        if (top.keys) {
          twice = top.keys.has(key);
          top.keys.add(key);
        } else {
          twice = top.seenKey && top.key === key;
          if (top.seenKey) top.keys = new Set([top.key, key]);
        }
        top.seenKey = true;
        top.key = key;
        top.expectKey = false;
        const path = () => fieldName(pathOf(stack)) || 'body';
        if (control)
          return new ParameterError(path(), `${path()}: a key must not contain control characters`);
        if (PROTOTYPE_KEYS.has(key))
          return new ParameterError(path(), `${path()}: the key ${key} is not allowed`);
        if (twice) return new ParameterError(path(), `${path()}: the key is given twice`);
      } else if (control) {
        const field = fieldName(pathOf(stack)) || 'body';
        return new ParameterError(field, `${field}: must not contain control characters (NUL, newline …)`);
      }
      i = j;
    } else if (c === OPEN_BRACE)
      stack.push({ array: false, key: '', seenKey: false, keys: null, expectKey: true, index: 0 });
    else if (c === OPEN_BRACKET)
      stack.push({ array: true, key: '', seenKey: false, keys: null, expectKey: false, index: 0 });
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) stack.pop();
    else if (c === COMMA) {
      const top = stack[stack.length - 1]!;
      if (top.array) top.index++;
      else top.expectKey = true;
    }
  }
  return null;
}

function pathOf(stack: readonly Frame[]): Array<string | number> {
  return stack.map((f) => (f.array ? f.index : f.key));
}

/** The value of four hex digits (JSON.parse has checked they are). */
function hex4(s: string, at: number): number {
  let v = 0;
  for (let k = at; k < at + 4; k++) {
    const d = s.charCodeAt(k);
    v = v * 16 + (d <= 57 ? d - 48 : (d | 0x20) - 87);
  }
  return v;
}

const QUOTE = 34;
const BACKSLASH = 92;
const SLASH = 47;
const LOWER_U = 117;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const SEMICOLON = 59;
const SPACE = 32;
const DEL = 0x7f;
