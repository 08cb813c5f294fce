import { describe, expect, it } from 'vitest';
import { createModelSession, floatTensor } from './model-session';
import { attr, encodeOnnxModel, OnnxGraphError, validateGraph, type OnnxGraph } from './onnx-model';

const cpu = { executionProviders: ['cpu'] as const };

const affineSoftmax: OnnxGraph = {
  name: 'affine-softmax',
  inputs: [{ name: 'x', shape: ['N', 3] }],
  outputs: [{ name: 'y', shape: ['N', 2] }],
  initializers: [
    { name: 'W', dims: [3, 2], data: [1, 0, 0, 1, 1, 1] },
    { name: 'b', dims: [2], data: [0.5, -0.5] },
  ],
  nodes: [
    { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] },
    { opType: 'Add', inputs: ['h', 'b'], outputs: ['z'] },
    { opType: 'Softmax', inputs: ['z'], outputs: ['y'], attributes: { axis: attr.int(-1) } },
  ],
};

describe('encodeOnnxModel', () => {
  it('produces bytes ONNX Runtime loads and evaluates (MatMul, Add, Softmax with a negative axis)', () => {
    const session = createModelSession(encodeOnnxModel({ graph: affineSoftmax }), cpu);
    expect(session.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['N', 3] }]);
    expect(session.outputs).toEqual([{ name: 'y', type: 'float32', shape: ['N', 2] }]);
    const x = Float32Array.from([1, 2, 3, 0, 0, 0]);
    const { y } = session.run({ x: floatTensor(x, [2, 3]) }, ['y']);
    // Row 1: z = [4.5, 4.5]; row 2: z = [0.5, -0.5].
    const e = Math.exp(1);
    [0.5, 0.5, e / (e + 1), 1 / (e + 1)].forEach((want, i) => expect(y![i]).toBeCloseTo(want, 7));
    session.dispose();
    session.dispose();
  });

  it('writes the header fields: ir_version 8 first, then the producer', () => {
    const bytes = encodeOnnxModel({ graph: affineSoftmax });
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x08, 8]);
    expect(Buffer.from(bytes).includes(Buffer.from('tradeplane'))).toBe(true);
  });

  it('encodes float, int, string, floats and ints attributes and int64 initializers', () => {
    // Constant(value_floats) [2] → Unsqueeze [1,2] → Gemm(alpha, transB) [1,1]
    // → Pad(mode='edge') [1,3] → Transpose(perm) [3,1]
    const graph: OnnxGraph = {
      name: 'attributes',
      inputs: [{ name: 'x', shape: [1, 2] }],
      outputs: [{ name: 'y', shape: [3, 1] }],
      initializers: [
        { name: 'axes', dims: [1], data: [0], type: 'int64' },
        { name: 'pads', dims: [4], data: [0, 1, 0, 1], type: 'int64' },
      ],
      nodes: [
        { opType: 'Constant', inputs: [], outputs: ['c'], attributes: { value_floats: attr.floats([3, 4]) } },
        { opType: 'Unsqueeze', inputs: ['c', 'axes'], outputs: ['w'] },
        {
          opType: 'Gemm',
          inputs: ['x', 'w'],
          outputs: ['g'],
          attributes: { alpha: attr.float(0.5), transB: attr.int(1) },
        },
        { opType: 'Pad', inputs: ['g', 'pads'], outputs: ['p'], attributes: { mode: attr.string('edge') } },
        { opType: 'Transpose', inputs: ['p'], outputs: ['y'], attributes: { perm: attr.ints([1, 0]) } },
      ],
    };
    const session = createModelSession(encodeOnnxModel({ graph }), cpu);
    const { y } = session.run({ x: floatTensor(Float32Array.from([1, 2]), [1, 2]) }, ['y']);
    // Gemm: 0.5 · (1·3 + 2·4) = 5.5; edge padding repeats it.
    expect(Array.from(y!)).toEqual([5.5, 5.5, 5.5]);
  });

  it('rejects a model ONNX Runtime cannot load (unknown operator) with its message', () => {
    const graph: OnnxGraph = {
      ...affineSoftmax,
      nodes: [{ opType: 'NoSuchOp', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
    };
    expect(() => createModelSession(encodeOnnxModel({ graph }), cpu)).toThrow(/NoSuchOp/);
  });
});

describe('validateGraph', () => {
  const broken = (change: Partial<OnnxGraph>) => () => validateGraph({ ...affineSoftmax, ...change });

  it('accepts a well-formed graph', () => {
    expect(() => validateGraph(affineSoftmax)).not.toThrow();
  });

  it('names a value read before it is defined', () => {
    const nodes = [...affineSoftmax.nodes].reverse();
    expect(broken({ nodes })).toThrow(OnnxGraphError);
    expect(broken({ nodes })).toThrow("node 0 (Softmax) reads 'z' before it is defined");
  });

  it('names a value defined twice', () => {
    const initializers = [...affineSoftmax.initializers, { name: 'x', dims: [1], data: [0] }];
    expect(broken({ initializers })).toThrow("value 'x' is defined twice");
  });

  it('names an initializer whose data does not fit its dims', () => {
    const initializers = [{ name: 'W', dims: [3, 2], data: [1, 2, 3] }, affineSoftmax.initializers[1]!];
    expect(broken({ initializers })).toThrow("initializer 'W' has 3 values for dims [3, 2]");
  });

  it('names an output that no node produces', () => {
    expect(broken({ outputs: [{ name: 'nope', shape: [1] }] })).toThrow("output 'nope' is never produced");
  });
});
