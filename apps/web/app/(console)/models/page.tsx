import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ModelsPage } from '@/features/models/ModelsPage';
import { Loading } from '@/shared/ui/States';

export const metadata: Metadata = { title: 'Models' };

export default function Page() {
  // ModelsPage reads ?model=&version= with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense fallback={<Loading>Loading…</Loading>}>
      <ModelsPage />
    </Suspense>
  );
}
