import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { connection } from 'next/server';
import '@/shared/styles/globals.css';

export const metadata: Metadata = {
  title: { default: 'Tradeplane', template: '%s · Tradeplane' },
  description: 'Control plane for ML-driven trading',
};

export const viewport: Viewport = {
  themeColor: '#0b0e13',
  colorScheme: 'dark',
};

/** Rendered per request: the Content-Security-Policy's nonce is new on every response (proxy.ts). */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
