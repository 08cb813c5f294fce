/** Sections that are not built yet (Data, Experiments, Models, Rollouts, Decisions, Forensics, Regimes and Risk are). */
export type SectionId = 'live';

export interface SectionInfo {
  title: string;
  /** One sentence: what the section will hold once it is built. */
  willHold: string;
}

export const SECTIONS: Record<SectionId, SectionInfo> = {
  live: {
    title: 'Live',
    willHold: 'Live positions, orders and fills as they stream in.',
  },
};
