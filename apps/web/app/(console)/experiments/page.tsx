import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ExperimentsPage } from '@/features/experiments/ExperimentsPage';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Experiments' };

export default function Page() {
  // ExperimentsPage reads ?experiment= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <ExperimentsPage />
    </Suspense>
  );
}
