import { PageHeader } from '@/components/ui';
import { SigningKeys } from './signing-keys';

export const metadata = { title: 'Signing keys' };

export default function SigningKeysPage() {
  return (
    <>
      <PageHeader
        title="Signing keys"
        description={
          <>
            The active Ed25519 key signs new receipts and export bundles. Retired keys stay published in{' '}
            <a href="/.well-known/jwks.json" className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
              /.well-known/jwks.json
            </a>{' '}
            so receipts they signed keep verifying.
          </>
        }
      />
      <SigningKeys />
    </>
  );
}
