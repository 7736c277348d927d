'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { TierEditor, validateTierRows, type TierRow } from '@/components/tier-editor';
import { Alert, Button, Card, EmptyState, Field, Input, Select, Spinner } from '@/components/ui';
import { readableError } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc-client';

interface Form {
  vexReserved: string;
  fuReserved: string;
  subscriptionPlan: string;
  monthlyFee: string;
  vexTiers: TierRow[];
  fuTiers: TierRow[];
}

const WHOLE = /^\d+$/;
const blankTier = (): TierRow => ({ threshold: '', price: '', stripeItem: '' });
const FEE = /^\d+(\.\d{1,2})?$/;
const emptyForm = (): Form => ({ vexReserved: '0', fuReserved: '0', subscriptionPlan: '', monthlyFee: '0', vexTiers: [blankTier()], fuTiers: [blankTier()] });

type Saved = { vex_reserved: number | string; fu_reserved: number | string; subscription_plan: string | null; monthly_fee: string; vex_overage_tiers: { threshold: number | string; price_per_unit: string; stripe_item: string | null }[]; fu_overage_tiers: Saved['vex_overage_tiers'] };

function formFrom(saved: Saved): Form {
  const rows = (tiers: Saved['vex_overage_tiers']) => tiers.map((t) => ({ threshold: String(t.threshold), price: t.price_per_unit, stripeItem: t.stripe_item ?? '' }));
  return {
    vexReserved: String(saved.vex_reserved),
    fuReserved: String(saved.fu_reserved),
    subscriptionPlan: saved.subscription_plan ?? '',
    monthlyFee: saved.monthly_fee,
    vexTiers: rows(saved.vex_overage_tiers),
    fuTiers: rows(saved.fu_overage_tiers),
  };
}

export function ReservedCapacityEditor({ initialTenant }: { initialTenant: string | null }) {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.admin.tenants.queryOptions({}));
  const [tenantId, setTenantId] = useState(initialTenant ?? '');

  return (
    <div className="space-y-6">
      <Card>
        {tenants.isPending ? (
          <Spinner label="Loading tenants" />
        ) : tenants.isError ? (
          <Alert tone="error">Could not load tenants: {readableError(tenants.error)}</Alert>
        ) : tenants.data.length === 0 ? (
          <EmptyState title="No tenants yet" />
        ) : (
          <div className="max-w-sm">
            <Field label="Tenant">
              <Select value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
                <option value="">Choose a tenant…</option>
                {tenants.data.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.id})
                  </option>
                ))}
              </Select>
            </Field>
          </div>
        )}
      </Card>
      {tenantId && <TenantReserved key={tenantId} tenantId={tenantId} tenantName={tenants.data?.find((t) => t.id === tenantId)?.name ?? tenantId} />}
    </div>
  );
}

function TenantReserved({ tenantId, tenantName }: { tenantId: string; tenantName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.billing.adminReserved.get.queryOptions({ tenantId }));
  const plans = useQuery(trpc.billing.plans.queryOptions());
  const [form, setForm] = useState<Form | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState(false);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() });
  const save = useMutation(trpc.billing.adminReserved.save.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.billing.adminReserved.remove.mutationOptions({ onSuccess: invalidate }));

  useEffect(() => {
    if (current.data !== undefined && form === null) setForm(current.data ? formFrom(current.data) : emptyForm());
  }, [current.data, form]);

  if (current.isPending || !form) return current.isError ? <Alert tone="error">Could not load reserved capacity: {readableError(current.error)}</Alert> : <Spinner label="Loading reserved capacity" />;

  const countError = (value: string, what: string) => (WHOLE.test(value.trim()) ? null : `${what} must be a whole number (0 or more)`);
  const errors = {
    vexReserved: countError(form.vexReserved, 'VEx reserved'),
    fuReserved: countError(form.fuReserved, 'FU reserved'),
    monthlyFee: FEE.test(form.monthlyFee.trim()) ? null : 'The monthly fee is an amount of dollars, e.g. 12000 or 12000.50',
    vexTiers: validateTierRows(form.vexTiers, false),
    fuTiers: validateTierRows(form.fuTiers, false),
  };
  const valid = !errors.vexReserved && !errors.fuReserved && !errors.monthlyFee && errors.vexTiers.every((e) => !e) && errors.fuTiers.every((e) => !e);
  const shown = <T,>(value: T): T | null => (submitted ? value : null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setSaved(false);
    if (!valid || !form) return;
    const tiers = (rows: TierRow[]) => rows.map((r) => ({ threshold: r.threshold.trim(), pricePerUnit: r.price.trim(), stripeItem: r.stripeItem.trim() || null }));
    const result = await save
      .mutateAsync({
        tenantId,
        vexReserved: form.vexReserved.trim(),
        fuReserved: form.fuReserved.trim(),
        subscriptionPlan: form.subscriptionPlan || null,
        monthlyFee: form.monthlyFee.trim(),
        vexTiers: tiers(form.vexTiers),
        fuTiers: tiers(form.fuTiers),
      })
      .catch(() => null);
    if (result) {
      setForm(formFrom(result));
      setSubmitted(false);
      setSaved(true);
    }
  }

  return (
    <Card title={current.data ? `Reserved capacity of ${tenantName}` : `${tenantName} has no reserved capacity yet`}>
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-6" noValidate>
        {saved && <Alert tone="success">Saved. The tenant&apos;s billing now uses this reserved capacity.</Alert>}
        {save.error && <Alert tone="error">{readableError(save.error)}</Alert>}
        {submitted && !valid && <Alert tone="error">Fix the highlighted fields before saving.</Alert>}
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Field label="VEx reserved per period" error={shown(errors.vexReserved)}>
            <Input inputMode="numeric" value={form.vexReserved} onChange={(e) => setForm({ ...form, vexReserved: e.target.value })} />
          </Field>
          <Field label="FU tokens reserved per period" error={shown(errors.fuReserved)}>
            <Input inputMode="numeric" value={form.fuReserved} onChange={(e) => setForm({ ...form, fuReserved: e.target.value })} />
          </Field>
          <Field label="Subscription plan" hint="Used when the tenant has no plan of its own.">
            <Select value={form.subscriptionPlan} onChange={(e) => setForm({ ...form, subscriptionPlan: e.target.value })}>
              <option value="">None</option>
              {plans.data?.plans.map((p) => (
                <option key={p.id} value={p.stripeItem}>
                  {p.name} ({p.stripeItem})
                </option>
              ))}
              {form.subscriptionPlan && !plans.data?.plans.some((p) => p.stripeItem === form.subscriptionPlan) && <option value={form.subscriptionPlan}>{form.subscriptionPlan}</option>}
            </Select>
          </Field>
          <Field label="Contract fee per month (USD)" hint="Counts toward MRR; invoiced with the contract, not metered." error={shown(errors.monthlyFee)}>
            <Input inputMode="decimal" value={form.monthlyFee} onChange={(e) => setForm({ ...form, monthlyFee: e.target.value })} />
          </Field>
        </div>
        <TierEditor legend="VEx overage tiers" unit="VEx" rows={form.vexTiers} errors={submitted ? errors.vexTiers : []} openEndedLast={false} onChange={(vexTiers) => setForm({ ...form, vexTiers })} />
        <TierEditor legend="FU overage tiers" unit="FU tokens" rows={form.fuTiers} errors={submitted ? errors.fuTiers : []} openEndedLast={false} onChange={(fuTiers) => setForm({ ...form, fuTiers })} />
        <div className="flex flex-wrap gap-3 border-t border-slate-200 dark:border-slate-700 pt-4">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save reserved capacity'}
          </Button>
          {current.data && (
            <Button
              variant="danger"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(
                  { tenantId },
                  {
                    onSuccess: () => {
                      setForm(emptyForm());
                      setSaved(false);
                    },
                  },
                )
              }
            >
              Remove reserved capacity
            </Button>
          )}
        </div>
        {remove.error && <Alert tone="error">{readableError(remove.error)}</Alert>}
      </form>
    </Card>
  );
}
