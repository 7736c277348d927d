import { Card, PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';

export const metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const { membership } = await requireTenantMember();
  return (
    <>
      <PageHeader title="Overview" description={`${membership.tenantName} · you are ${membership.role === 'owner' ? 'the owner' : 'a member'}`} />
      <Card title="Getting started">
        <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
          <li>Create an API key.</li>
          <li>POST a tool call to <code className="font-mono">/v1/exchange</code>.</li>
          <li>Inspect the signed receipt chain and export it for your auditors.</li>
        </ol>
      </Card>
    </>
  );
}
