/** Why a training configuration was refused; `field` names the bad configuration field. */
export const trainingJobErrorCodes = [
  'TRAINING_INVALID_CONFIG',
  'TRAINING_UNKNOWN_SYMBOL',
  'TRAINING_RESERVED_NAME',
] as const;
export type TrainingJobErrorCode = (typeof trainingJobErrorCodes)[number];

export class TrainingJobError extends Error {
  constructor(
    readonly code: TrainingJobErrorCode,
    /** The field's path in the configuration (`market`, `universe[2]`, `splits.testFrom`). */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'TrainingJobError';
  }
}
