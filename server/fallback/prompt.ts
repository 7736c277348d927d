// The messages sent to the repair model. Kept apart from the repair loop so the quota estimate
// measures exactly the prompt that will be sent.
import type { ChatMessage } from './provider';

export interface ValidationIssue {
  path: string;
  message: string;
}

export const SYSTEM_PROMPT = [
  'You repair the arguments of an AI tool call: a JSON object that arrived malformed.',
  'Reply with only the corrected JSON object: no prose, no code fences.',
  'It must satisfy the JSON Schema the user gives.',
  'Take every value from the input: amounts, currency codes, identifiers, dates and names.',
  'Only write them in the form the schema asks for (a date as YYYY-MM-DD, an amount as a plain decimal, a currency as its ISO 4217 code); never change what they say.',
  'Never invent a value. If the input does not contain a value, leave the field out; every value is checked against the input.',
].join('\n');

export function initialMessages(brokenText: string, argumentsSchema: object): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    {
      role: 'user',
      content: `JSON Schema of the arguments:\n${JSON.stringify(argumentsSchema)}\n\nMalformed arguments:\n${brokenText}`,
    },
  ];
}

/** The follow-up after a reply that was not valid: the model sees its reply and why it failed. */
export function correctionMessages(reply: string, issues: ValidationIssue[]): ChatMessage[] {
  const list = issues.map((i) => `- ${i.path || '(root)'}: ${i.message}`).join('\n');
  return [
    { role: 'assistant', content: reply },
    {
      role: 'user',
      content: `That JSON does not satisfy the schema:\n${list}\n\nReply with only the corrected JSON object.`,
    },
  ];
}
