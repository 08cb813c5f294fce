/**
 * Builds ONNX `ModelProto` bytes from a plain description: a graph of nodes over named float
 * tensors, float initializers holding the parameters, typed inputs and outputs. Enough for
 * the bootstrap specialists and meta-controller (MatMul/Add/Mul/Div/Tanh/Clip/Softmax …);
 * any standard operator can be named, ONNX Runtime checks it against its opset when the
 * session is created.
 *
 * Field numbers are those of onnx/onnx.proto (IR version 8 = ONNX 1.10+, opset 17 = ONNX 1.12).
 */
import { ProtoWriter } from './protobuf-writer';

/** ONNX IR version written into every model (8: understood by every ONNX Runtime since 1.10). */
export const ONNX_IR_VERSION = 8;
/** Default ai.onnx opset (17: ONNX 1.12, ONNX Runtime ≥ 1.12). */
export const ONNX_OPSET = 17;

/** TensorProto.DataType values we write. */
const DataType = { float32: 1, int64: 7 } as const;
/** AttributeProto.AttributeType values. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** A dimension: a fixed size, or a name for a dynamic one (the batch, `'N'`). */
export type OnnxDim = number | string;

/** A graph input or output: always float32 here (the contract's tensors are all float32). */
export interface OnnxValueInfo {
  name: string;
  shape: OnnxDim[];
  doc?: string;
}

/** A constant tensor: the parameters of the model. `data.length` must equal the product of `dims`. */
export interface OnnxInitializer {
  name: string;
  /** [] for a scalar (e.g. Clip's min/max). */
  dims: number[];
  data: ArrayLike<number>;
  /** float32 unless told; int64 for shape-like operands. */
  type?: 'float32' | 'int64';
}

/** A node attribute; JavaScript numbers cannot say int or float by themselves. */
export type OnnxAttribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] };

export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  ints: (value: number[]): OnnxAttribute => ({ type: 'ints', value }),
  floats: (value: number[]): OnnxAttribute => ({ type: 'floats', value }),
};

export interface OnnxNode {
  opType: string;
  /** Value names; '' for an omitted optional input. */
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, OnnxAttribute>;
}

export interface OnnxGraph {
  name: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** In topological order: every input is a graph input, an initializer or an earlier output. */
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  doc?: string;
}

export interface OnnxModel {
  graph: OnnxGraph;
  /** ai.onnx opset version (default {@link ONNX_OPSET}). */
  opset?: number;
  producerName?: string;
  producerVersion?: string;
  /** ModelProto.model_version: the registry version of this model. */
  modelVersion?: number;
  doc?: string;
  /** ModelProto.metadata_props (ONNX Runtime exposes them as custom metadata). */
  metadata?: Record<string, string>;
}

/** A graph that is not well formed, caught before ONNX Runtime sees it (with the name at fault). */
export class OnnxGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxGraphError';
  }
}

/**
 * Checks what ONNX requires of a graph and ONNX Runtime would report less clearly: unique
 * value names, initializer sizes matching their dims, nodes in topological order, every
 * graph output produced.
 */
export function validateGraph(graph: OnnxGraph): void {
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (name === '') throw new OnnxGraphError(`${graph.name}: ${what} has an empty name`);
    if (defined.has(name)) throw new OnnxGraphError(`${graph.name}: value '${name}' is defined twice`);
    defined.add(name);
  };
  for (const input of graph.inputs) define(input.name, 'an input');
  for (const init of graph.initializers) {
    define(init.name, 'an initializer');
    const size = init.dims.reduce((a, d) => a * d, 1);
    if (init.dims.some((d) => !Number.isInteger(d) || d < 0) || size !== init.data.length) {
      throw new OnnxGraphError(
        `${graph.name}: initializer '${init.name}' has ${init.data.length} values for dims [${init.dims.join(', ')}]`,
      );
    }
  }
  graph.nodes.forEach((node, i) => {
    for (const input of node.inputs) {
      if (input !== '' && !defined.has(input)) {
        throw new OnnxGraphError(
          `${graph.name}: node ${i} (${node.opType}) reads '${input}' before it is defined`,
        );
      }
    }
    for (const output of node.outputs) define(output, `node ${i} (${node.opType}) output`);
  });
  for (const output of graph.outputs) {
    if (!defined.has(output.name)) {
      throw new OnnxGraphError(`${graph.name}: output '${output.name}' is never produced`);
    }
  }
}

/** Serialises a model to ONNX protobuf bytes, ready for `InferenceSession.create` or a `.onnx` file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  validateGraph(model.graph);
  const w = new ProtoWriter();
  w.int(1, ONNX_IR_VERSION);
  w.string(2, model.producerName ?? 'tradeplane');
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.modelVersion !== undefined) w.int(5, model.modelVersion);
  if (model.doc) w.string(6, model.doc);
  w.message(7, (g) => writeGraph(g, model.graph));
  w.message(8, (o) => o.string(1, '').int(2, model.opset ?? ONNX_OPSET));
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    w.message(14, (e) => e.string(1, key).string(2, value));
  }
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const init of graph.initializers) w.message(5, (t) => writeTensor(t, init));
  if (graph.doc) w.string(10, graph.doc);
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes ?? {})) {
    w.message(5, (a) => writeAttribute(a, name, attribute));
  }
}

function writeAttribute(w: ProtoWriter, name: string, attribute: OnnxAttribute): void {
  w.string(1, name);
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value).int(20, AttributeType.FLOAT);
      return;
    case 'int':
      w.int(3, attribute.value).int(20, AttributeType.INT);
      return;
    case 'string':
      w.string(4, attribute.value).int(20, AttributeType.STRING);
      return;
    case 'floats':
      w.packedFloats(7, attribute.value).int(20, AttributeType.FLOATS);
      return;
    case 'ints':
      w.packedInts(8, attribute.value).int(20, AttributeType.INTS);
      return;
    default:
      assertNever(attribute);
  }
}

function writeTensor(w: ProtoWriter, tensor: OnnxInitializer): void {
  w.packedInts(1, tensor.dims);
  const type = tensor.type ?? 'float32';
  w.int(2, DataType[type]);
  w.string(8, tensor.name);
  if (type === 'float32') {
    // raw_data (IEEE 754, little endian): what exporters write, read without per-element parsing.
    const raw = new Uint8Array(tensor.data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < tensor.data.length; i++) view.setFloat32(i * 4, tensor.data[i]!, true);
    w.bytes(9, raw);
  } else {
    w.packedInts(7, tensor.data);
  }
}

function writeValueInfo(w: ProtoWriter, value: OnnxValueInfo): void {
  w.string(1, value.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DataType.float32);
      tensor.message(2, (shape) => {
        for (const dim of value.shape) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      });
    }),
  );
  if (value.doc) w.string(3, value.doc);
}

function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}
