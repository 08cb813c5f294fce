import type { Metadata } from 'next';
import { RolloutsPage } from '@/features/rollouts';

export const metadata: Metadata = { title: 'Rollouts' };

export default function Page() {
  return <RolloutsPage />;
}
