import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ModelsCard } from './ModelsCard';
import type { Decision } from './operations';

const models: Decision['models'] = {
  arm: 'production',
  versions: [
    { name: 'momentum', version: 1 },
    { name: 'meta-controller', version: 1 },
  ],
};
const targets = [{ symbol: 'AAPL', proposedWeight: 0.25, blendedSignal: 1, targetWeight: 0.125 }];

describe('ModelsCard', () => {
  it("names a rollout's paired set by its arm and shows that set's risk verdict", () => {
    const html = renderToStaticMarkup(
      createElement(ModelsCard, {
        models,
        shadow: {
          arm: 'canary',
          versions: [{ name: 'momentum', version: 3 }],
          targets,
          risk: { verdict: 'resize', bindingRule: 'gross_exposure' },
        },
      }),
    );
    expect(html).toContain('Canary set beside (scored, not acted on here)');
    expect(html).toContain('risk resize (gross_exposure)');
    expect(html).toContain('>Beside<');
    expect(html).toContain('v3');
    expect(html).toContain('12.50');
  });

  it('keeps the shadow heading for a shadow, and decisions recorded before arm and risk were', () => {
    const html = renderToStaticMarkup(
      createElement(ModelsCard, {
        models,
        shadow: {
          arm: null,
          versions: [{ name: 'momentum', version: 2 }],
          targets: targets.map((t) => ({ ...t, targetWeight: null })),
          risk: null,
        },
      }),
    );
    expect(html).toContain('Shadow (scored, never acted on)');
    expect(html).not.toContain('decision-beside-risk');
    expect(html).toContain('>Shadow<');
  });
});
