import type { Metadata } from 'next';
import { SectionPlaceholder } from '@/features/sections/SectionPlaceholder';

export const metadata: Metadata = { title: 'Rollouts' };

export default function Page() {
  return <SectionPlaceholder section="rollouts" />;
}
