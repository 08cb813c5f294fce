// The hand-set 3-state HMM over [log return, 20-day volatility] the regime integration tests
// store as the fit job stores one, so each test knows the probabilities it must see.
import type { HmmParams } from '@tradeplane/quant';

export const HAND_SET_HMM: HmmParams = {
  pi: [1 / 3, 1 / 3, 1 / 3],
  transition: [
    [0.98, 0.01, 0.01],
    [0.02, 0.97, 0.01],
    [0.01, 0.01, 0.98],
  ],
  means: [
    [0.0008, 0.007],
    [-0.002, 0.02],
    [0, 0.011],
  ],
  vars: [
    [4e-5, 4e-6],
    [4e-4, 6e-5],
    [1e-4, 1e-5],
  ],
};
export const HAND_SET_HMM_LABELS = ['bull', 'bear', 'sideways'] as const;
