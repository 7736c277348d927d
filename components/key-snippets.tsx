'use client';
import { useState, useSyncExternalStore } from 'react';
import { exchangeSnippet, SNIPPET_LANGUAGES, type SnippetLanguage } from '@/lib/snippets';
import { CopyButton } from './copy-button';
import { cx } from './cx';

const subscribe = () => () => {};

/** The first exchange, ready to run with `apiKey`, in curl, TypeScript and Python. */
export function KeySnippets({ apiKey, idempotencyKey }: { apiKey: string; idempotencyKey: string }) {
  const [language, setLanguage] = useState<SnippetLanguage>('curl');
  // The address the reader reached this Signet by (the server renders a placeholder).
  const baseUrl = useSyncExternalStore(subscribe, () => window.location.origin, () => 'http://localhost:8088');
  const code = exchangeSnippet(language, { baseUrl, apiKey, idempotencyKey });
  return (
    <div className="space-y-2" data-testid="key-snippets">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="tablist" aria-label="Snippet language" className="inline-flex rounded-md bg-slate-100 p-0.5 dark:bg-slate-800">
          {SNIPPET_LANGUAGES.map((l) => (
            <button
              key={l.id}
              type="button"
              role="tab"
              id={`snippet-tab-${l.id}`}
              aria-selected={language === l.id}
              aria-controls="snippet-panel"
              onClick={() => setLanguage(l.id)}
              className={cx(
                'rounded px-3 py-1 text-sm font-medium',
                language === l.id ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-600 dark:text-white' : 'text-slate-700 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white',
              )}
            >
              {l.label}
            </button>
          ))}
        </div>
        <CopyButton value={code} label={`Copy ${SNIPPET_LANGUAGES.find((l) => l.id === language)!.label} snippet`} />
      </div>
      <pre id="snippet-panel" role="tabpanel" aria-labelledby={`snippet-tab-${language}`} tabIndex={0} data-testid="snippet-code" className="max-h-80 overflow-auto rounded-md bg-slate-900 p-3 dark:bg-slate-950 dark:ring-1 dark:ring-slate-700 font-mono text-xs leading-relaxed text-slate-100">
        {code}
      </pre>
    </div>
  );
}
