import { PageHeader } from '@/components/ui';
import { ReceiptVerifier } from './receipt-verifier';

export const metadata = { title: 'Verify receipts' };

export default async function AuditorHome({ searchParams }: { searchParams: Promise<{ trace?: string | string[]; tenant?: string | string[] }> }) {
  const { trace, tenant } = await searchParams;
  return (
    <>
      <PageHeader
        title="Verify receipts"
        description="Check an export bundle's hashes, links and Ed25519 signatures entirely in your browser, against the public keys you choose."
      />
      <ReceiptVerifier initialTraceId={typeof trace === 'string' ? trace : ''} initialTenantId={typeof tenant === 'string' ? tenant : ''} />
    </>
  );
}
