import { PageHeader } from '@/components/ui';
import { requireTenantMember } from '@/lib/guards';
import { RequestLog } from './request-log';

export const metadata = { title: 'Request log' };

export default async function RequestsPage() {
  await requireTenantMember();
  return (
    <>
      <PageHeader
        title="Request log"
        description="Every request to /v1/exchange made with one of your API keys: successes, refusals, rate limits and replays. Request bodies are not stored; the log keeps only what you see here."
      />
      <RequestLog />
    </>
  );
}
