/** Sections that are not built yet (Data, Experiments, Models, Decisions, Forensics, Regimes and Risk are). */
export type SectionId = 'rollouts' | 'live';

export interface SectionInfo {
  title: string;
  /** One sentence: what the section will hold once it is built. */
  willHold: string;
}

export const SECTIONS: Record<SectionId, SectionInfo> = {
  rollouts: {
    title: 'Rollouts',
    willHold:
      'Shadow, canary and full rollouts of model versions with their guardrails and promotion history.',
  },
  live: {
    title: 'Live',
    willHold: 'Live positions, orders and fills as they stream in.',
  },
};
