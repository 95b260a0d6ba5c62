/**
 * The bytes of a one-node ONNX model: `com.microsoft` MultiHeadAttention, the contrib op
 * transformers.js-style models run attention with. Written with a minimal protobuf encoder (only
 * the wire types ONNX's ModelProto needs) so the bench depends on no protobuf library.
 *
 * Inputs, in the op's order (ONNX Runtime ContribOperators.md): query [B, S, H*D], key
 * [B, S_kv, H*D], value [B, S_kv, H*DV], bias (absent), key_padding_mask (absent), attention_bias
 * [1, H or 1, S, S_kv] (present when the case has a mask). Output [B, S, H*DV].
 */
import type { AttentionInputs, AttentionShape } from '../../app/problem';
import type { AdditiveBias } from './bias';
import { headsToPacked } from './stats';

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

/** An append-only protobuf message. */
export class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`varint out of range: ${value}`);
    }
    let v = value;
    // Division, not >>>, so values past 2^32 (int64 fields) encode too.
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  uint(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  float32(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const word = new Uint8Array(new Float32Array([value]).buffer);
    // Protobuf fixed32 is little-endian; so is Float32Array on every platform browsers run on.
    this.bytes.push(...word);
    return this;
  }

  raw(field: number, data: Uint8Array): this {
    this.key(field, WIRE_LENGTH);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.raw(field, new TextEncoder().encode(text));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.raw(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

// Field numbers of onnx.proto (ModelProto and the messages under it).
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const OPSET = { domain: 1, version: 2 };
const GRAPH = { node: 1, name: 2, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, type: 20 };
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensorType: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { dimValue: 1 };
const ELEM_FLOAT = 1;

/** IR version 8 (ONNX 1.10+) with opset 17 is read by every ONNX Runtime of the last years. */
const IR_VERSION = 8;
const ONNX_OPSET = 17;
const MS_DOMAIN = 'com.microsoft';

export interface MhaModelSpec {
  B: number;
  H: number;
  Q: number;
  KV: number;
  D: number;
  DV: number;
  scale: number;
  /** Heads of attention_bias (1 broadcasts over heads), or null for no bias input. */
  biasHeads: number | null;
}

export const MHA_INPUTS = {
  query: 'query',
  key: 'key',
  value: 'value',
  attentionBias: 'attention_bias',
} as const;
export const MHA_OUTPUT = 'output';

function tensorValue(w: ProtoWriter, name: string, dims: number[]): void {
  w.string(VALUE_INFO.name, name);
  w.message(VALUE_INFO.type, (type) =>
    type.message(TYPE.tensorType, (tensor) => {
      tensor.uint(TENSOR_TYPE.elemType, ELEM_FLOAT);
      tensor.message(TENSOR_TYPE.shape, (shape) => {
        for (const d of dims) shape.message(SHAPE.dim, (dim) => dim.uint(DIM.dimValue, d));
      });
    }),
  );
}

/** The input names in the op's positional order; '' marks an absent optional input. */
export function mhaNodeInputs(hasBias: boolean): string[] {
  const names: string[] = [MHA_INPUTS.query, MHA_INPUTS.key, MHA_INPUTS.value];
  if (hasBias) names.push('', '', MHA_INPUTS.attentionBias);
  return names;
}

export function multiHeadAttentionModel(spec: MhaModelSpec): Uint8Array {
  const { B, H, Q, KV, D, DV } = spec;
  const inputs: [string, number[]][] = [
    [MHA_INPUTS.query, [B, Q, H * D]],
    [MHA_INPUTS.key, [B, KV, H * D]],
    [MHA_INPUTS.value, [B, KV, H * DV]],
  ];
  if (spec.biasHeads !== null) inputs.push([MHA_INPUTS.attentionBias, [1, spec.biasHeads, Q, KV]]);

  return new ProtoWriter()
    .uint(MODEL.irVersion, IR_VERSION)
    .string(MODEL.producerName, 'flexmask-bench')
    .message(MODEL.opsetImport, (o) => o.string(OPSET.domain, '').uint(OPSET.version, ONNX_OPSET))
    .message(MODEL.opsetImport, (o) => o.string(OPSET.domain, MS_DOMAIN).uint(OPSET.version, 1))
    .message(MODEL.graph, (graph) => {
      graph.message(GRAPH.node, (node) => {
        for (const name of mhaNodeInputs(spec.biasHeads !== null)) node.string(NODE.input, name);
        node.string(NODE.output, MHA_OUTPUT);
        node.string(NODE.name, 'attention');
        node.string(NODE.opType, 'MultiHeadAttention');
        node.string(NODE.domain, MS_DOMAIN);
        node.message(NODE.attribute, (a) =>
          a
            .string(ATTRIBUTE.name, 'num_heads')
            .uint(ATTRIBUTE.i, H)
            .uint(ATTRIBUTE.type, ATTRIBUTE_TYPE.INT),
        );
        node.message(NODE.attribute, (a) =>
          a
            .string(ATTRIBUTE.name, 'scale')
            .float32(ATTRIBUTE.f, spec.scale)
            .uint(ATTRIBUTE.type, ATTRIBUTE_TYPE.FLOAT),
        );
      });
      graph.string(GRAPH.name, 'flexmask_bench_mha');
      for (const [name, dims] of inputs)
        graph.message(GRAPH.input, (v) => tensorValue(v, name, dims));
      graph.message(GRAPH.output, (v) => tensorValue(v, MHA_OUTPUT, [B, Q, H * DV]));
    })
    .finish();
}

/** The model for one bench case: its shape, its softmax scale, and the mask's bias heads if any. */
export function modelForCase(
  shape: AttentionShape,
  bias: Pick<AdditiveBias, 'heads'> | null,
): Uint8Array {
  const { B, H, Q, KV, D, DV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  return multiHeadAttentionModel({
    B,
    H,
    Q,
    KV,
    D,
    DV,
    scale,
    biasHeads: bias ? bias.heads : null,
  });
}

/** One input of the model as ORT takes it: its name, its values and its dims. */
export interface MhaFeed {
  name: string;
  data: Float32Array;
  dims: number[];
}

/**
 * The model's inputs for one case: q, k and v packed from flexmask's [B, H, S, D] into the op's
 * [B, S, H * D], and the additive bias when the mask has one.
 */
export function mhaFeeds(
  shape: AttentionShape,
  inputs: AttentionInputs,
  bias: Pick<AdditiveBias, 'heads' | 'values'> | null,
): MhaFeed[] {
  const { B, H, Q, KV, D, DV } = shape;
  const feeds: MhaFeed[] = [
    { name: MHA_INPUTS.query, data: headsToPacked(inputs.q, B, H, Q, D), dims: [B, Q, H * D] },
    { name: MHA_INPUTS.key, data: headsToPacked(inputs.k, B, H, KV, D), dims: [B, KV, H * D] },
    { name: MHA_INPUTS.value, data: headsToPacked(inputs.v, B, H, KV, DV), dims: [B, KV, H * DV] },
  ];
  if (bias) {
    feeds.push({ name: MHA_INPUTS.attentionBias, data: bias.values, dims: [1, bias.heads, Q, KV] });
  }
  return feeds;
}
