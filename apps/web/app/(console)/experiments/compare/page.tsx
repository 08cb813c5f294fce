import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ComparePage } from '@/features/experiments/ComparePage';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Compare runs' };

export default function Page() {
  // ComparePage reads ?runs= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <ComparePage />
    </Suspense>
  );
}
