// Deterministic repair of the JSON text an LLM put in a tool call's `arguments`: strict
// JSON.parse first, then jsonrepair (trailing commas, single quotes, unquoted keys, missing
// closing brackets, Python True/False/None, comments, code fences...), then parse again.
// Numbers are read exactly (exact-json.ts): amounts keep every digit the model wrote.
import { jsonrepair } from 'jsonrepair';
import { parseJsonExact } from './exact-json';

export type RepairResult =
  | { ok: true; value: unknown; repaired: boolean; text: string }
  | { ok: false; error: string; text: string };

export function parseArguments(text: string): RepairResult {
  try {
    return { ok: true, value: parseJsonExact(text), repaired: false, text };
  } catch {
    // fall through to repair
  }
  try {
    return { ok: true, value: parseJsonExact(jsonrepair(text)), repaired: true, text };
  } catch (err) {
    return { ok: false, error: `arguments are not JSON and could not be repaired: ${(err as Error).message}`, text };
  }
}
