export type SectionId = 'experiments' | 'models' | 'rollouts' | 'decisions' | 'live';

export interface SectionInfo {
  title: string;
  /** One sentence: what the section will hold once it is built. */
  willHold: string;
}

export const SECTIONS: Record<SectionId, SectionInfo> = {
  experiments: {
    title: 'Experiments',
    willHold: 'Backtest and walk-forward experiment runs with their configuration, metrics and artefacts.',
  },
  models: {
    title: 'Models',
    willHold: 'Trained model versions with their training window, validation metrics and lineage.',
  },
  rollouts: {
    title: 'Rollouts',
    willHold:
      'Shadow, canary and full rollouts of model versions with their guardrails and promotion history.',
  },
  decisions: {
    title: 'Decisions',
    willHold: 'Every decision a model made, with the point-in-time features and model version behind it.',
  },
  live: {
    title: 'Live',
    willHold: 'Live positions, orders and fills as they stream in.',
  },
};
