import type { Metadata } from 'next';
import { RolloutDetailPage } from '@/features/rollouts';

export const metadata: Metadata = { title: 'Rollout' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RolloutDetailPage id={id} />;
}
