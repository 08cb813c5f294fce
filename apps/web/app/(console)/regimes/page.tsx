import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RegimesPage } from '@/features/regimes/RegimesPage';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Regimes' };

export default function Page() {
  // RegimesPage reads ?symbol= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <RegimesPage />
    </Suspense>
  );
}
