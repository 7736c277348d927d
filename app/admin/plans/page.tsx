import { PageHeader } from '@/components/ui';
import { PlansEditor } from './plans-editor';

export const metadata = { title: 'Plans' };

export default function PlansPage() {
  return (
    <>
      <PageHeader
        title="Plans & default tiers"
        description="The catalog every tenant without reserved capacity is rated with. Edits apply to current periods at once and are audit-logged; run npm run stripe:setup afterwards so Stripe's prices match."
      />
      <PlansEditor />
    </>
  );
}
