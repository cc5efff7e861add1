/**
 * @module Turns an ONNX model whose batch dimension is fixed at 1 into one with a symbolic batch, in memory.
 * It edits the protobuf wire format directly (`onnx-wire.ts`): every field it does not touch is copied byte for
 * byte.
 */
import protobuf from 'protobufjs/minimal.js';
import {
  editPath,
  F,
  joinFields,
  lenField,
  readFields,
  readInt64,
  strings,
  WIRE_LEN,
  WIRE_VARINT,
} from './onnx-wire.ts';

const { Reader, Writer } = protobuf;

/** ValueInfoProto with a first dimension of `dim_value: 1` → same with `dim_param: "N"`; null otherwise. */
function symbolicBatch(valueInfo: Uint8Array): Uint8Array | null {
  const path = [F.valueInfoType, F.typeTensor, F.tensorTypeShape, F.shapeDim];
  return editPath(valueInfo, path, (dim) => {
    const value = readFields(dim).find((f) => f.no === F.dimValue && f.wire === WIRE_VARINT);
    if (!value || readInt64(Reader.create(value.raw.subarray(1))) !== 1) {
      return null;
    }
    return Writer.create()
      .uint32((2 << 3) | WIRE_LEN)
      .string('N')
      .finish();
  });
}

/** TensorProto holding an int64 Reshape shape `[1, ...]` → `[-1, ...]` (or `[0, ...]` when -1 is taken). */
function batchFreeShape(tensor: Uint8Array): Uint8Array | null {
  const fields = readFields(tensor);
  const raw = fields.findIndex((f) => f.no === F.tensorRawData);
  const packed = fields.findIndex((f) => f.no === F.tensorInt64Data && f.wire === WIRE_LEN);
  let values: bigint[];
  if (raw >= 0) {
    const bytes = Buffer.from(fields[raw]?.payload ?? []);
    values = Array.from({ length: bytes.length / 8 }, (_, k) => bytes.readBigInt64LE(k * 8));
  } else if (packed >= 0) {
    const reader = Reader.create(fields[packed]?.payload ?? new Uint8Array());
    values = [];
    while (reader.pos < reader.len) {
      values.push(BigInt(readInt64(reader)));
    }
  } else {
    return null;
  }
  if (values[0] !== 1n) {
    return null;
  }
  values[0] = values.includes(-1n) ? 0n : -1n;
  if (raw >= 0) {
    const out = Buffer.alloc(values.length * 8);
    values.forEach((v, k) => out.writeBigInt64LE(v, k * 8));
    fields[raw] = lenField(F.tensorRawData, out);
  } else {
    const writer = Writer.create();
    for (const v of values) {
      writer.int64(v.toString());
    }
    fields[packed] = lenField(F.tensorInt64Data, writer.finish());
  }
  return joinFields(fields);
}

/** What {@link toDynamicBatch} changed: names of edited graph inputs, outputs and Reshape shape tensors. */
export interface BatchRewrite {
  /** The rewritten model, ready for `ort.InferenceSession.create(bytes)`. */
  model: Uint8Array;
  /** Graph inputs and outputs whose first dimension became symbolic. */
  values: string[];
  /** Reshape shape constants whose leading 1 became -1 (or 0). */
  reshapes: string[];
}

/**
 * Rewrites a batch-1 ONNX model to accept any batch: graph inputs/outputs with a first dimension of 1 get the
 * symbolic dimension `N`, every Reshape whose constant shape starts with 1 gets -1 there (0 when the shape
 * already holds a -1), and the optional `value_info` shape hints are dropped so stale batch-1 shapes cannot
 * conflict. Other batch-fixed constructs (Expand, Tile with constant batch) are not handled: verify outputs.
 * @param model - the ONNX file's bytes
 * @param inputName - the graph input that carries the batch
 * @returns the rewrite, or null when `inputName` has no fixed batch of 1 (the model is used as is)
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (field numbers)
 */
export function toDynamicBatch(model: Uint8Array, inputName: string): BatchRewrite | null {
  const values: string[] = [];
  const reshapes: string[] = [];
  const rewritten = editPath(model, [F.modelGraph], (graph) => {
    const fields = readFields(graph).filter((f) => f.no !== F.graphValueInfo);
    const nodes = fields
      .filter((f) => f.no === F.graphNode)
      .map((f) => readFields(f.payload ?? new Uint8Array()));
    const shapeNames = new Set(
      nodes
        .filter((n) => strings(n, F.nodeOpType)[0] === 'Reshape')
        .map((n) => strings(n, F.nodeInput)[1])
        .filter((s): s is string => s !== undefined),
    );
    const out = fields.map((f) => {
      const edited: number[] = [F.graphInput, F.graphOutput, F.graphInitializer, F.graphNode];
      if (!f.payload || !edited.includes(f.no)) {
        return f;
      }
      let next: Uint8Array | null = null;
      let name = '';
      const own = readFields(f.payload);
      if (f.no === F.graphInput || f.no === F.graphOutput) {
        name = strings(own, F.valueInfoName)[0] ?? '';
        if (f.no === F.graphOutput || name === inputName) {
          next = symbolicBatch(f.payload);
        }
        if (next) {
          values.push(name);
        }
      } else if (f.no === F.graphInitializer) {
        name = strings(own, F.tensorName)[0] ?? '';
        if (shapeNames.has(name)) {
          next = batchFreeShape(f.payload);
        }
        if (next) {
          reshapes.push(name);
        }
      } else if (f.no === F.graphNode && strings(own, F.nodeOpType)[0] === 'Constant') {
        name = strings(own, F.nodeOutput)[0] ?? '';
        if (shapeNames.has(name)) {
          next = editPath(f.payload, [F.nodeAttribute, F.attrTensor], batchFreeShape);
        }
        if (next) {
          reshapes.push(name);
        }
      }
      return next ? lenField(f.no, next) : f;
    });
    return values.includes(inputName) ? joinFields(out) : null;
  });
  return rewritten ? { model: rewritten, values, reshapes } : null;
}
