import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DecisionsPage } from '@/features/decisions';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Decisions' };

export default function Page() {
  // DecisionsPage reads ?symbol= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <DecisionsPage />
    </Suspense>
  );
}
