import type { Metadata } from 'next';
import { SectionPlaceholder } from '@/features/sections/SectionPlaceholder';

export const metadata: Metadata = { title: 'Decisions' };

export default function Page() {
  return <SectionPlaceholder section="decisions" />;
}
