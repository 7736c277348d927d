// The UI primitives: a caller's classes override the component's own, and a Field ties its
// label, hint and error to the control inside it. Rendered to static markup (no DOM needed).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { cx } from '@/components/cx';
import { Button, Field, Input, Select, Textarea } from '@/components/ui';

/** The attributes of every `<tag …>` in the markup, in order. */
function elements(html: string, tag: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}
const only = (html: string, tag: string) => {
  const found = elements(html, tag);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const classes = (attributes: Record<string, string>) => (attributes.class ?? '').split(' ');

describe('class names', () => {
  it('merge: the later class wins for the same property, the rest stay', () => {
    expect(cx('block w-full px-3 text-sm', 'w-auto', false, null, undefined)).toBe('block px-3 text-sm w-auto');
    expect(cx('px-3 py-2', 'p-1')).toBe('p-1');
  });

  it("let a caller's class override a primitive's own", () => {
    const select = classes(only(renderToStaticMarkup(<Select className="w-auto"><option>a</option></Select>), 'select'));
    expect(select).toContain('w-auto');
    expect(select).not.toContain('w-full');
    const input = classes(only(renderToStaticMarkup(<Input className="w-24 text-xs" />), 'input'));
    expect(input).toEqual(expect.arrayContaining(['w-24', 'text-xs', 'rounded-md']));
    expect(input).not.toContain('w-full');
    expect(input).not.toContain('text-sm');
    const button = classes(only(renderToStaticMarkup(<Button className="bg-emerald-600">Go</Button>), 'button'));
    expect(button).toContain('bg-emerald-600');
    expect(button).not.toContain('bg-indigo-600');
  });
});

describe('a Field', () => {
  it('names its control and ties the hint and the error to it', () => {
    const html = renderToStaticMarkup(
      <Field label="Password" hint="At least 10 characters." error="Password must be at least 10 characters">
        <Input name="password" type="password" />
      </Field>,
    );
    const label = only(html, 'label');
    const input = only(html, 'input');
    expect(input.id).toBeTruthy();
    expect(label.for).toBe(input.id);
    expect(input['aria-invalid']).toBe('true');
    const described = input['aria-describedby']!.split(' ');
    expect(described).toHaveLength(2);
    const paragraphs = elements(html, 'p');
    expect(paragraphs.map((p) => p.id)).toEqual(described);
    expect(html).toContain(`id="${described[0]}" class="text-xs text-slate-500 dark:text-slate-400">At least 10 characters.</p>`);
    expect(html).toContain(`id="${described[1]}" role="alert" class="text-xs text-red-700 dark:text-red-300">Password must be at least 10 characters</p>`);
  });

  it('without an error: described by its hint alone, not invalid', () => {
    const input = only(renderToStaticMarkup(<Field label="Name" hint="As on your passport"><Input name="name" /></Field>), 'input');
    expect(input['aria-invalid']).toBeUndefined();
    expect(input['aria-describedby']).toMatch(/-hint$/);
    const bare = only(renderToStaticMarkup(<Field label="Name"><Textarea name="notes" /></Field>), 'textarea');
    expect(bare.id).toBeTruthy();
    expect(bare['aria-describedby']).toBeUndefined();
    expect(bare['aria-invalid']).toBeUndefined();
  });

  it('gives each field its own ids, and keeps descriptions the caller adds', () => {
    const html = renderToStaticMarkup(
      <form>
        <Field label="Email" error="Enter a valid email address"><Input name="email" aria-describedby="email-note" /></Field>
        <Field label="Role" error="Pick a role"><Select name="role"><option>member</option></Select></Field>
      </form>,
    );
    const [input, select] = [only(html, 'input'), only(html, 'select')];
    expect(input.id).not.toBe(select.id);
    expect(elements(html, 'label').map((l) => l.for)).toEqual([input.id, select.id]);
    expect(input['aria-describedby']).toBe(`${input.id}-error email-note`);
    expect(select['aria-describedby']).toBe(`${select.id}-error`);
  });

  it('with a hidden label: still names its control, for screen readers only, and wires a control nested in a row', () => {
    const html = renderToStaticMarkup(
      <Field label="Allowlist entry 1" hideLabel error="not a host name">
        <div className="flex gap-2"><Input name="entry" /><Button>Remove</Button></div>
      </Field>,
    );
    const [label, input] = [only(html, 'label'), only(html, 'input')];
    expect(label.for).toBe(input.id);
    expect(classes(label)).toEqual(['sr-only']);
    expect(input['aria-invalid']).toBe('true');
    expect(input['aria-describedby']).toBe(`${input.id}-error`);
  });

  it('leaves a control outside any Field alone', () => {
    const input = only(renderToStaticMarkup(<Input id="search" aria-label="Search" />), 'input');
    expect(input.id).toBe('search');
    expect(input['aria-describedby']).toBeUndefined();
    expect(input['aria-invalid']).toBeUndefined();
  });
});
