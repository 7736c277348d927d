'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { TierEditor, validateTierRows, type TierRow } from '@/components/tier-editor';
import { Alert, Button, Card, Field, Input, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';
import type { PlanDefinition, Tier } from '@/server/billing/catalog';
import { formatUsd } from '@/lib/money';

const WHOLE = /^\d+$/;
const MONEY = /^\d+(\.\d{1,2})?$/;

export function PlansEditor() {
  const trpc = useTRPC();
  const catalog = useQuery(trpc.billing.adminPlans.list.queryOptions());
  if (catalog.isPending) return <Spinner label="Loading the catalog" />;
  if (catalog.isError) return <Alert tone="error">Could not load the catalog: {readableError(catalog.error)}</Alert>;
  return (
    <div className="space-y-6">
      <div className="grid gap-4 lg:grid-cols-3">
        {catalog.data.plans.map((plan) => (
          <PlanForm key={plan.id} plan={plan} />
        ))}
      </div>
      <DefaultTiersForm meter="vex" title="Default VEx overage tiers" unit="VEx" tiers={catalog.data.tiers.vex} />
      <DefaultTiersForm meter="fu" title="Default FU overage tiers" unit="FU tokens" tiers={catalog.data.tiers.fu} />
    </div>
  );
}

function PlanForm({ plan }: { plan: PlanDefinition & { active: boolean } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.billing.adminPlans.save.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() }) }));
  const [form, setForm] = useState({
    name: plan.name,
    fee: formatUsd(plan.monthlyFee),
    vex: plan.included.vex.toString(),
    fu: plan.included.fu.toString(),
    active: plan.active,
  });
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const errors = {
    name: form.name.trim() ? null : 'Name is required',
    fee: MONEY.test(form.fee.trim()) ? null : 'Enter dollars with at most two decimals, e.g. 499 or 1999.00',
    vex: WHOLE.test(form.vex.trim()) ? null : 'Whole number of VEx (0 or more)',
    fu: WHOLE.test(form.fu.trim()) ? null : 'Whole number of FU tokens (0 or more)',
  };
  const valid = Object.values(errors).every((e) => !e);
  const shown = (error: string | null) => (submitted ? error : null);
  const id = (field: string) => `plan-${plan.id}-${field}`;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setSaved(false);
    if (!valid) return;
    const ok = await save
      .mutateAsync({ id: plan.id, name: form.name.trim(), monthlyFeeUsd: form.fee.trim(), includedVex: form.vex.trim(), includedFu: form.fu.trim(), active: form.active })
      .then(() => true, () => false);
    if (ok) {
      setSubmitted(false);
      setSaved(true);
    }
  }

  return (
    <Card title={<span>{plan.name} <span className="font-mono text-xs font-normal text-slate-500 dark:text-slate-400">{plan.lookupKey}</span></span>}>
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-3" noValidate>
        {saved && <Alert tone="success">Saved.</Alert>}
        {save.error && <Alert tone="error">{readableError(save.error)}</Alert>}
        <Field label="Name" error={shown(errors.name)}>
          <Input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label="Monthly fee (USD)" error={shown(errors.fee)}>
          <Input inputMode="decimal" value={form.fee} onChange={(e) => setForm({ ...form, fee: e.target.value })} />
        </Field>
        <Field label="VEx included" error={shown(errors.vex)}>
          <Input inputMode="numeric" value={form.vex} onChange={(e) => setForm({ ...form, vex: e.target.value })} />
        </Field>
        <Field label="FU tokens included" error={shown(errors.fu)}>
          <Input inputMode="numeric" value={form.fu} onChange={(e) => setForm({ ...form, fu: e.target.value })} />
        </Field>
        <label htmlFor={id('active')} className="flex items-center gap-2 text-sm text-slate-800 dark:text-slate-200">
          <input id={id('active')} type="checkbox" className="h-4 w-4 rounded border-slate-300 dark:border-slate-600" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} />
          Offered to tenants
        </label>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : `Save ${plan.name}`}
        </Button>
      </form>
    </Card>
  );
}

function DefaultTiersForm({ meter, title, unit, tiers }: { meter: 'vex' | 'fu'; title: string; unit: string; tiers: Tier[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.billing.adminPlans.saveTiers.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() }) }));
  const [rows, setRows] = useState<TierRow[]>(tiers.map((t) => ({ threshold: t.upTo?.toString() ?? '', price: formatUsd(t.unitPrice), stripeItem: t.stripeItem ?? '' })));
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const errors = validateTierRows(rows, true);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setSaved(false);
    if (errors.some(Boolean)) return;
    const ok = await save
      .mutateAsync({ meter, tiers: rows.map((r, i) => ({ upTo: i === rows.length - 1 ? null : r.threshold.trim(), pricePerUnit: r.price.trim(), stripeItem: r.stripeItem.trim() || null })) })
      .then(() => true, () => false);
    if (ok) {
      setSubmitted(false);
      setSaved(true);
    }
  }

  return (
    <Card title={title}>
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" noValidate>
        {saved && <Alert tone="success">Saved.</Alert>}
        {save.error && <Alert tone="error">{readableError(save.error)}</Alert>}
        <TierEditor legend={`${title} (graduated over billable units)`} unit={unit} rows={rows} errors={submitted ? errors : []} openEndedLast onChange={setRows} />
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : `Save ${meter === 'vex' ? 'VEx' : 'FU'} tiers`}
        </Button>
      </form>
    </Card>
  );
}
