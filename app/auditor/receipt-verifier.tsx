'use client';
import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { cx } from '@/components/cx';
import { Alert, Button, Card, Field, Input, Spinner, Textarea } from '@/components/ui';
import { useTRPC } from '@/lib/trpc-client';
import { LogPanel } from './log-panel';
import { useVerifierWorker } from './use-verifier-worker';
import { VerificationResult } from './verification-result';

/** The API's error envelope in words. */
async function fetchJson(url: string, what: string): Promise<string> {
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const text = await res.text();
  if (res.ok) return text;
  if (res.status === 401) throw new Error('Your session has ended; sign in again.');
  if (res.status === 404) throw new Error(`No ${what} found.`);
  let message = `${res.status} ${res.statusText}`;
  try {
    message = (JSON.parse(text) as { error: { message: string } }).error.message;
  } catch {
    // not the API's error envelope
  }
  throw new Error(`Could not load the ${what}: ${message}`);
}

function describeSize(text: string) {
  const bytes = new Blob([text]).size;
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

export function ReceiptVerifier({ initialTraceId, initialTenantId }: { initialTraceId: string; initialTenantId: string }) {
  const trpc = useTRPC();
  const { state, progress, outcome, verify, clear } = useVerifierWorker();
  const [traceId, setTraceId] = useState(initialTraceId);
  const [tenantId, setTenantId] = useState(initialTenantId);
  const [bundleText, setBundleTextState] = useState('');
  const [bundleSource, setBundleSource] = useState<string | null>(null);
  const [jwksText, setJwksTextState] = useState('');
  const [askKeys, setAskKeys] = useState(false);
  const jwksInput = useRef<HTMLTextAreaElement>(null);
  const [loading, setLoading] = useState<'bundle' | 'jwks' | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [logKey, setLogKeyState] = useState('');
  const [witnessText, setWitnessTextState] = useState('');
  const [witnessesRequired, setWitnessesRequiredState] = useState('');
  // Any change of what is verified clears the verdict: it described the old inputs.
  const changing =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      clear();
      set(value);
    };
  const setBundleText = changing(setBundleTextState);
  const setJwksText = changing((text: string) => {
    setJwksTextState(text);
    if (text.trim() !== '') setAskKeys(false);
  });
  const setLogKey = changing(setLogKeyState);
  const setWitnessText = changing(setWitnessTextState);
  const setWitnessesRequired = changing(setWitnessesRequiredState);
  const witnessKeys = witnessText.split('\n').map((l) => l.trim()).filter(Boolean);
  const traces = useQuery(trpc.auditor.traces.queryOptions({}));

  async function loadLogKey() {
    setLoadError(null);
    const res = await fetch('/v1/log/key', { cache: 'no-store' });
    if (res.ok) setLogKey((await res.text()).trim());
    else setLoadError(res.status === 404 ? 'This Signet has no transparency log key.' : `Could not load the log key: HTTP ${res.status}`);
  }

  async function load(what: 'bundle' | 'jwks') {
    setLoading(what);
    setLoadError(null);
    try {
      if (what === 'bundle') {
        const id = traceId.trim();
        const tenant = tenantId.trim();
        if (!id) throw new Error('Enter a trace id.');
        // Trace ids are per tenant: two tenants may each have a trace with this id.
        if (!tenant) throw new Error('Enter the tenant of the trace.');
        const [bundle, keys] = await Promise.all([
          fetchJson(`/v1/receipts/export/${encodeURIComponent(id)}?tenant=${encodeURIComponent(tenant)}`, `trace “${id}” of tenant “${tenant}”`),
          jwksText.trim() === '' ? fetchJson('/.well-known/jwks.json', 'JWKS') : null,
        ]);
        setBundleText(bundle);
        setBundleSource(`trace ${id} of tenant ${tenant} from this Signet`);
        if (keys !== null) setJwksText(keys);
      } else {
        setJwksText(await fetchJson('/.well-known/jwks.json', 'JWKS'));
      }
    } catch (error) {
      setLoadError((error as Error).message);
    } finally {
      setLoading(null);
    }
  }

  async function readFile(file: File | undefined) {
    if (!file) return;
    setLoadError(null);
    try {
      setBundleText(await file.text());
      setBundleSource(`file ${file.name}`);
      if (jwksText.trim() === '') setAskKeys(true);
    } catch (error) {
      setLoadError(`Could not read ${file.name}: ${(error as Error).message}`);
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    void readFile(event.dataTransfer.files[0]);
  }

  const running = state === 'running';
  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="1. Receipt bundle">
          <div className="space-y-5">
            <form
              className="flex flex-col gap-2 sm:flex-row sm:items-start"
              onSubmit={(e) => {
                e.preventDefault();
                void load('bundle');
              }}
            >
              <div className="sm:w-40">
                <Field label="Tenant">
                  <Input value={tenantId} onChange={(e) => setTenantId(e.target.value)} placeholder="tenant id" autoComplete="off" spellCheck={false} className="font-mono" />
                </Field>
              </div>
              <div className="flex-1">
                <Field label="Trace id" hint="Exports the tenant's signed bundle from this Signet with your session.">
                  <Input
                    value={traceId}
                    onChange={(e) => {
                      setTraceId(e.target.value);
                      // Picked from the recent traces: take its tenant when only one tenant has that id.
                      const owners = new Set(traces.data?.filter((t) => t.traceId === e.target.value).map((t) => t.tenantId));
                      if (owners.size === 1) setTenantId([...owners][0]!);
                    }}
                    list="recent-traces"
                    placeholder="trace id"
                    autoComplete="off"
                    spellCheck={false}
                    className="font-mono"
                  />
                </Field>
                <datalist id="recent-traces">
                  {traces.data?.map((t) => (
                    <option key={`${t.tenantId}/${t.traceId}`} value={t.traceId}>
                      {`${t.tenantId} · ${t.hops} hop${t.hops === 1 ? '' : 's'}`}
                    </option>
                  ))}
                </datalist>
              </div>
              {/* sm:mt-6 drops the button past the fields' label line, whatever their hints' height. */}
              <Button type="submit" variant="secondary" disabled={loading !== null} className="sm:mt-6">
                {loading === 'bundle' ? 'Loading…' : 'Load bundle'}
              </Button>
            </form>

            <div
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              data-testid="drop-zone"
              className={cx('rounded-md border-2 border-dashed px-4 py-5 text-center text-sm', dragging ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950/40' : 'border-slate-300 dark:border-slate-600')}
            >
              <p className="text-slate-700 dark:text-slate-300">Drop a bundle file here, or</p>
              <label htmlFor="bundle-file" className="mt-2 inline-block cursor-pointer font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
                choose a bundle file
              </label>
              <input id="bundle-file" type="file" accept="application/json,.json" className="sr-only focus:not-sr-only" onChange={(e) => void readFile(e.target.files?.[0])} />
            </div>

            <Field label="Bundle JSON" hint={bundleSource ? `Loaded ${bundleSource} (${describeSize(bundleText)}). You can edit it before verifying.` : 'Or paste an export bundle.'}>
              <Textarea
                value={bundleText}
                onChange={(e) => {
                  setBundleText(e.target.value);
                  setBundleSource(null);
                }}
                rows={8}
                spellCheck={false}
                placeholder='{"trace_id": "…", "chain": […], "exported_at": "…", "bundle_cid": "…", "kid": "…", "signature": "…"}'
                className="font-mono text-xs"
              />
            </Field>
          </div>
        </Card>

        <Card title="2. Public keys (JWKS)">
          <div className="space-y-4">
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Fetch this Signet&apos;s published keys, or paste a JWKS you obtained independently for fully offline verification.
            </p>
            <Button variant="secondary" onClick={() => void load('jwks')} disabled={loading !== null}>
              {loading === 'jwks' ? 'Fetching…' : 'Fetch /.well-known/jwks.json'}
            </Button>
            <Field label="JWKS JSON" hint="Only the public keys; nothing secret is needed.">
              <Textarea ref={jwksInput} value={jwksText} onChange={(e) => setJwksText(e.target.value)} rows={8} spellCheck={false} placeholder='{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "…", "kid": "…"}]}' className="font-mono text-xs" />
            </Field>
          </div>
        </Card>
      </div>

      <Card title="3. Transparency log (optional)">
        <div className="grid gap-6 lg:grid-cols-2">
          <LogPanel witnessKeys={witnessKeys} paused={running} />
          <div className="space-y-4">
            <Field label="Log key" hint="The log's verifier key (origin+id+key). Obtain it independently to trust it.">
              <div className="flex gap-2">
                <Input value={logKey} onChange={(e) => setLogKey(e.target.value)} spellCheck={false} className="font-mono" placeholder="host/v1/log+1234abcd+AU…" />
                <Button variant="secondary" onClick={() => void loadLogKey()}>
                  Fetch
                </Button>
              </div>
            </Field>
            <Field label="Witness keys" hint="One witness vkey per line: the witnesses you trust.">
              <Textarea value={witnessText} onChange={(e) => setWitnessText(e.target.value)} rows={3} spellCheck={false} className="font-mono text-xs" placeholder="witness.example/w1+89abcdef+BK…" />
            </Field>
            <Field label="Witnesses required" hint={`Default: all ${witnessKeys.length} of them.`}>
              <Input type="number" min={0} max={witnessKeys.length} value={witnessesRequired} onChange={(e) => setWitnessesRequired(e.target.value)} className="w-24" />
            </Field>
          </div>
        </div>
      </Card>

      {loadError && <Alert tone="error">{loadError}</Alert>}
      {askKeys && jwksText.trim() === '' && (
        <div role="alert" data-testid="need-keys" className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-inset ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-800">
          <p className="font-medium">This bundle needs the public keys that signed it.</p>
          <p className="mt-1">Either fetch this Signet&apos;s JWKS — quick, but it trusts this server to publish the right keys — or paste a JWKS you obtained independently in “2. Public keys”.</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => void load('jwks')} disabled={loading !== null}>
              Fetch this Signet&apos;s JWKS (trusts this server)
            </Button>
            <Button variant="ghost" onClick={() => jwksInput.current?.focus()}>
              Paste a JWKS
            </Button>
          </div>
        </div>
      )}

      <Card>
        <div className="flex flex-wrap items-center gap-4">
          <Button
            onClick={() => {
              // Without keys the signatures cannot be checked: ask where they should come from.
              if (jwksText.trim() === '' && bundleText.trim() !== '') return setAskKeys(true);
              verify(bundleText, jwksText, { logKey, witnesses: witnessKeys, witnessesRequired: witnessesRequired === '' ? null : Number(witnessesRequired) });
            }}
            disabled={state !== 'ready'}
          >
            {running ? 'Verifying…' : 'Verify in this browser'}
          </Button>
          {state === 'starting' && <Spinner label="Starting the verifier" />}
          {state === 'failed' && <span className="text-sm text-red-700 dark:text-red-300">The verifier could not start in this browser; reload the page.</span>}
          {state === 'ready' && !running && <span className="text-sm text-slate-500 dark:text-slate-400">Runs locally: nothing is sent anywhere while verifying.</span>}
          {running && (
            <div className="min-w-48 flex-1">
              <div
                role="progressbar"
                aria-label="Verification progress"
                aria-valuemin={0}
                aria-valuemax={progress?.total ?? 1}
                aria-valuenow={progress?.done ?? 0}
                className="h-2.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
              >
                <div className="h-full rounded-full bg-indigo-600 transition-[width]" style={{ width: `${progress ? (100 * progress.done) / progress.total : 0}%` }} />
              </div>
              <p className="mt-1 text-xs tabular-nums text-slate-600 dark:text-slate-400">{progress ? `${progress.done} of ${progress.total} receipts` : 'Reading the bundle…'}</p>
            </div>
          )}
        </div>
      </Card>

      {outcome?.kind === 'input-error' && <Alert tone="error">{outcome.message}</Alert>}
      {outcome?.kind === 'report' && <VerificationResult key={outcome.startedAt} report={outcome.report} bundleCid={outcome.bundleCid} log={outcome.log} startedAt={outcome.startedAt} />}
    </div>
  );
}
