// Recovers `key: value` pairs, nested keys included, from JSON-ish text that does not parse:
// missing commas or quotes, single quotes, comments, unclosed strings and brackets. It tokenizes
// and tracks nesting loosely, so every pair still gets the path it most plausibly had. Used to
// check what an LLM repair kept from the original text.

export type PathSegment = string | number;

export type Recovered =
  | { path: PathSegment[]; kind: 'string'; text: string; closed: boolean }
  | { path: PathSegment[]; kind: 'number'; text: string }
  | { path: PathSegment[]; kind: 'literal'; text: 'true' | 'false' | 'null' }
  | { path: PathSegment[]; kind: 'container' }
  /** A key followed by a colon but no value. */
  | { path: PathSegment[]; kind: 'missing' };

type Token =
  | { t: 'punct'; v: string }
  | { t: 'string'; v: string; closed: boolean }
  | { t: 'bare'; v: string };

const PUNCT = new Set(['{', '}', '[', ']', ':', ',']);
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019' };
const BARE_END = /[\s,:{}[\]"'\u201c\u2018]/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const LITERALS: Record<string, 'true' | 'false' | 'null'> = { true: 'true', false: 'false', null: 'null', True: 'true', False: 'false', None: 'null' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (PUNCT.has(c)) {
      tokens.push({ t: 'punct', v: c });
      i += 1;
    } else if (c in QUOTES) {
      const [token, next] = readString(text, i + 1, QUOTES[c]!);
      tokens.push(token);
      i = next;
    } else {
      let end = i + 1;
      while (end < text.length && !BARE_END.test(text[end]!)) end += 1;
      tokens.push({ t: 'bare', v: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

/** A string ends at its closing quote; an unclosed one ends at the line's end (JSON strings hold no raw newlines). */
function readString(text: string, start: number, quote: string): [Token, number] {
  let value = '';
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return [{ t: 'string', v: value, closed: true }, i + 1];
    if (c === '\n') break;
    if (c === '\\' && i + 1 < text.length) {
      const e = text[i + 1]!;
      const hex = text.slice(i + 2, i + 6);
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        value += ESCAPES[e] ?? e;
        i += 2;
      }
      continue;
    }
    value += c;
    i += 1;
  }
  return [{ t: 'string', v: value, closed: false }, i];
}

interface Frame {
  kind: 'object' | 'array';
  path: PathSegment[];
  index: number;
}

export function scanPairs(text: string): Recovered[] {
  const tokens = tokenize(text);
  const found: Recovered[] = [];
  const stack: Frame[] = [];
  let pendingKey: string | null = null;

  // The path of the value starting now: the pending key's, or the next slot of an array.
  const valuePath = (): PathSegment[] | null => {
    const top = stack.at(-1);
    if (pendingKey !== null) {
      const path = [...(top?.path ?? []), pendingKey];
      pendingKey = null;
      return path;
    }
    if (top?.kind === 'array') {
      top.index += 1;
      return [...top.path, top.index];
    }
    return stack.length === 0 ? [] : null;
  };
  const closeKeyWithoutValue = () => {
    if (pendingKey === null) return;
    found.push({ path: [...(stack.at(-1)?.path ?? []), pendingKey], kind: 'missing' });
    pendingKey = null;
  };

  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (token.t !== 'punct' && next?.t === 'punct' && next.v === ':') {
      closeKeyWithoutValue();
      pendingKey = token.v;
      i += 1;
      continue;
    }
    if (token.t === 'punct') {
      if (token.v === '{' || token.v === '[') {
        const path = valuePath() ?? [];
        if (path.length > 0) found.push({ path, kind: 'container' });
        stack.push({ kind: token.v === '{' ? 'object' : 'array', path, index: -1 });
      } else if (token.v === '}' || token.v === ']') {
        closeKeyWithoutValue();
        const kind = token.v === '}' ? 'object' : 'array';
        const match = stack.map((f) => f.kind).lastIndexOf(kind);
        if (match !== -1) stack.length = match;
      } else if (token.v === ',') {
        closeKeyWithoutValue();
      }
      continue;
    }
    const path = valuePath();
    if (path === null || path.length === 0) continue;
    if (token.t === 'string') found.push({ path, kind: 'string', text: token.v, closed: token.closed });
    else if (Object.hasOwn(LITERALS, token.v)) found.push({ path, kind: 'literal', text: LITERALS[token.v]! });
    else if (NUMBER.test(token.v)) found.push({ path, kind: 'number', text: token.v });
    else found.push({ path, kind: 'string', text: token.v, closed: true });
  }
  closeKeyWithoutValue();
  return found;
}
