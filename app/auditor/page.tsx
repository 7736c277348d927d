import { PageHeader } from '@/components/ui';

export const metadata = { title: 'Verify receipts' };

export default function AuditorHome() {
  return <PageHeader title="Verify receipts" description="Check a receipt chain's hashes and signatures entirely in your browser." />;
}
