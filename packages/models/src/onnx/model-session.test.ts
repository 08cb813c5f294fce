import { describe, expect, it } from 'vitest';
import { bootstrapModelSet } from '../bootstrap/bootstrap';
import { createModelSession, cudaLibraryMissing, ModelError, parseExecutionProviders } from './model-session';

const momentum = bootstrapModelSet()[0]!;

/** The CUDA provider library is never installed on the dev machine or CI here; skip where it is. */
const cudaInstalled = () => cudaLibraryMissing() === null;

describe('parseExecutionProviders', () => {
  it('defaults to cuda then cpu', () => {
    expect(parseExecutionProviders()).toEqual(['cuda', 'cpu']);
  });

  it('trims, lower-cases and drops repeats', () => {
    expect(parseExecutionProviders(' CPU , cuda,cpu ')).toEqual(['cpu', 'cuda']);
  });

  it('rejects unknown or missing names, naming the variable', () => {
    expect(() => parseExecutionProviders('cpu,tpu')).toThrow(
      "ENGINE_EXECUTION_PROVIDERS: unknown provider 'tpu' (known: cuda, cpu)",
    );
    expect(() => parseExecutionProviders(' , ')).toThrow(ModelError);
  });
});

describe('createModelSession', () => {
  it('uses the native binding of onnxruntime-node (fails here first if an upgrade moves it)', () => {
    const session = createModelSession(momentum.bytes, { executionProviders: ['cpu'] });
    expect(session.provider).toBe('cpu');
    expect(session.fallbacks).toEqual([]);
    expect(session.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['N', 9] }]);
    expect(session.outputs).toEqual([{ name: 'signal', type: 'float32', shape: ['N', 1] }]);
    session.dispose();
  });

  it.skipIf(cudaInstalled())('falls back from cuda to cpu when CUDA is not available, and says why', () => {
    const session = createModelSession(momentum.bytes, { executionProviders: ['cuda', 'cpu'] });
    expect(session.provider).toBe('cpu');
    expect(session.fallbacks).toHaveLength(1);
    expect(session.fallbacks[0]!.provider).toBe('cuda');
    expect(session.fallbacks[0]!.reason).toMatch(/CUDA provider library is not installed/);
    session.dispose();
  });

  it.skipIf(cudaInstalled())(
    'fails with NO_EXECUTION_PROVIDER when only cuda is allowed and it is missing',
    () => {
      expect(() => createModelSession(momentum.bytes, { executionProviders: ['cuda'] })).toThrow(
        expect.objectContaining({ code: 'NO_EXECUTION_PROVIDER' }),
      );
    },
  );

  it('reports a model ONNX Runtime cannot parse, with its message', () => {
    const garbage = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(() => createModelSession(garbage, { executionProviders: ['cpu'] })).toThrow(
      /no execution provider could load the model: cpu: .*protobuf/i,
    );
  });
});
