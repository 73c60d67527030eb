import onnxProto from 'onnx-proto';
import { seededRandom } from '../seeded-random.js';

const { onnx } = onnxProto;

/** ONNX opset the builder declares; every op used here exists unchanged there. */
export const ONNX_OPSET = 17;

/** A dimension: a fixed size or a symbolic name (e.g. 'batch') that the runtime fills in. */
export type OnnxDim = number | string;

/** Attribute values the builder writes: ints, floats, int lists or float lists. */
export type OnnxAttribute = number | readonly number[] | { float: number } | { floats: readonly number[] };

function attribute(name: string, value: OnnxAttribute): InstanceType<typeof onnx.AttributeProto> {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  if ('floats' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: [...value.floats] });
  return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...(value as readonly number[])] });
}

function valueInfo(name: string, shape: readonly OnnxDim[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/**
 * Writes an ONNX model (float32 tensors only) with onnx-proto's generated protobuf classes: graph inputs,
 * weights as initializers, nodes, outputs. Used to build the shipped dlib ResNet from its checksummed
 * weights and, in tests, small models generated in-process.
 */
export class OnnxGraphBuilder {
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  private unique(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Declares a float32 graph input; returns its name. */
  input(name: string, shape: readonly OnnxDim[]): string {
    const unique = this.unique(name);
    this.inputs.push(valueInfo(unique, shape));
    return unique;
  }

  /** Adds a float32 constant (weights); returns its name. */
  constant(name: string, data: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`ONNX constant ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
    const unique = this.unique(name);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push(onnx.TensorProto.create({ name: unique, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw }));
    return unique;
  }

  /** Adds an int64 constant (shapes, pads, axes); returns its name. */
  int64Constant(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.push(onnx.TensorProto.create({ name: unique, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] }));
    return unique;
  }

  /** Adds one node and returns the name of its (single) output. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}, outputName?: string): string {
    const output = this.unique(outputName ?? `${opType.toLowerCase()}_${this.nodes.length}`);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: `${opType}_${this.nodes.length}`,
        input: [...inputs],
        output: [output],
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      }),
    );
    return output;
  }

  /** Marks a value as a float32 graph output (renamed to `name` through an Identity node). */
  output(value: string, name: string, shape: readonly OnnxDim[]): void {
    const out = this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfo(out, shape));
  }

  /** Serialises the model (IR version 8, opset ONNX_OPSET). */
  build(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'faceledger',
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Shape of a small embedder generated for tests. */
export interface TestEmbedderSpec {
  /** Side of the square input in pixels (a multiple of `patch`). */
  inputSize: number;
  /** Embedding length. */
  dims: number;
  /** Input layout: NCHW (PyTorch exports) or NHWC (TensorFlow exports). */
  layout: 'NCHW' | 'NHWC';
  /** Patch side of the strided convolution (default 8). */
  patch?: number;
  /** Channels of the convolution (default 8). */
  channels?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
  /** Fixed batch size instead of a symbolic one (some exports fix it to 1). */
  batch?: number;
}

/**
 * A tiny embedder built in-process for tests (never downloaded): a strided patch convolution, ReLU,
 * flatten and a dense layer to `dims`, seeded random weights. Different photos give different vectors
 * and the same photo the same one, which is all a test of the plumbing needs.
 */
export function buildTestEmbedderModel(spec: TestEmbedderSpec): Uint8Array {
  const patch = spec.patch ?? 8;
  const channels = spec.channels ?? 8;
  if (spec.inputSize % patch !== 0) throw new Error(`inputSize ${spec.inputSize} is not a multiple of the patch ${patch}`);
  const unit = seededRandom(spec.seed ?? 1);
  const random = (): number => unit() * 2 - 1;
  const g = new OnnxGraphBuilder('faceledger-test-embedder');
  const s = spec.inputSize;
  const batch = spec.batch ?? 'batch';
  let x = g.input('input', spec.layout === 'NCHW' ? [batch, 3, s, s] : [batch, s, s, 3]);
  if (spec.layout === 'NHWC') x = g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
  const filters = Float32Array.from({ length: channels * 3 * patch * patch }, () => random() / (patch * 255));
  const bias = Float32Array.from({ length: channels }, () => random() * 0.1);
  x = g.node('Conv', [x, g.constant('conv_w', filters, [channels, 3, patch, patch]), g.constant('conv_b', bias, [channels])], { kernel_shape: [patch, patch], strides: [patch, patch] });
  x = g.node('Relu', [x]);
  x = g.node('Flatten', [x], { axis: 1 });
  const features = channels * (s / patch) * (s / patch);
  const dense = Float32Array.from({ length: features * spec.dims }, () => random() / Math.sqrt(features));
  x = g.node('Gemm', [x, g.constant('fc_w', dense, [features, spec.dims]), g.constant('fc_b', new Float32Array(spec.dims), [spec.dims])]);
  g.output(x, 'embedding', [batch, spec.dims]);
  return g.build();
}
