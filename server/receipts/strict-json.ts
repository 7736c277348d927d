/**
 * JSON.parse that also reports duplicate object keys, isomorphic (CLI and the auditor's worker).
 * JSON.parse keeps the last of two equal keys silently, so `{"sig":"A","sig":"B"}` would show a
 * verifier one value and another reader the other; a verifier must refuse such a document.
 * (lossless-json, for one, accepts a duplicate whose values are equal.)
 */

/** A key that occurs more than once in one object; `path` leads from the document to that object. */
export interface DuplicateKey {
  path: Array<string | number>;
  key: string;
}

type Frame = { keys: Set<string>; key: string | null } | { index: number };

/** Parses like JSON.parse (and throws its SyntaxError), listing every duplicate key. */
export function parseJsonStrict(text: string): { value: unknown; duplicateKeys: DuplicateKey[] } {
  const value: unknown = JSON.parse(text);
  return { value, duplicateKeys: findDuplicateKeys(text) };
}

// The text is valid JSON here, so a scan of structure and strings suffices; iterative, so
// nesting as deep as JSON.parse accepts cannot overflow the stack.
function findDuplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      let escaped = false;
      for (i++; text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          escaped = true;
          i++;
        }
      }
      const top = stack.at(-1);
      if (top && 'keys' in top && top.key === null) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (top.keys.has(key)) found.push({ path: stack.slice(0, -1).map((f) => ('keys' in f ? f.key! : f.index)), key });
        top.keys.add(key);
        top.key = key;
      }
    } else if (ch === '{') {
      stack.push({ keys: new Set(), key: null });
    } else if (ch === '[') {
      stack.push({ index: 0 });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack.at(-1)!;
      if ('keys' in top) top.key = null;
      else top.index++;
    }
  }
  return found;
}

/** `$.chain[2].policy` */
export function formatJsonPath(path: ReadonlyArray<string | number>): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}
