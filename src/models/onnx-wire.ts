/**
 * @module Reading and editing ONNX protobuf messages at the wire level: a message is a list of fields, each kept
 * as its raw bytes, so an edit re-encodes only what it changes, no schema of onnx.proto is needed and nothing
 * the model holds is lost. Shared by the in-memory model rewrites (`onnx-batch.ts`, `onnx-prelu.ts`).
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (field numbers)
 * @see https://protobuf.dev/programming-guides/encoding/ (wire format)
 */
import protobuf from 'protobufjs/minimal.js';

const { Reader, Writer, util } = protobuf;

/** Field numbers of onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ...), the few the rewrites touch. */
export const F = {
  modelGraph: 7,
  graphNode: 1,
  graphInitializer: 5,
  graphInput: 11,
  graphOutput: 12,
  graphValueInfo: 13,
  nodeInput: 1,
  nodeOutput: 2,
  nodeName: 3,
  nodeOpType: 4,
  nodeAttribute: 5,
  attrName: 1,
  attrTensor: 5,
  valueInfoName: 1,
  valueInfoType: 2,
  typeTensor: 1,
  tensorTypeShape: 2,
  shapeDim: 1,
  dimValue: 1,
  tensorDims: 1,
  tensorDataType: 2,
  tensorFloatData: 4,
  tensorInt64Data: 7,
  tensorName: 8,
  tensorRawData: 9,
} as const;

/** Wire type of varint fields (int32, int64, enums). */
export const WIRE_VARINT = 0;
/** Wire type of length-delimited fields (strings, bytes, messages, packed repeated). */
export const WIRE_LEN = 2;

/** One field of a message: its raw bytes (tag included) and, for length-delimited fields, the payload. */
export interface WireField {
  /** Field number. */
  no: number;
  /** Wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  wire: number;
  /** The whole field as encoded: tag, length and payload. */
  raw: Uint8Array;
  /** The payload of a length-delimited field; null for the other wire types. */
  payload: Uint8Array | null;
}

/**
 * Reads one int64 varint as a JS number (ONNX dims, shape values and enums are far below 2^53).
 * @param reader - positioned at the varint; advanced past it
 */
export const readInt64 = (reader: protobuf.Reader): number =>
  util.LongBits.from(reader.int64()).toNumber();

/**
 * Splits an encoded message into its fields, in order; payloads are views into `buf`, not copies.
 * @throws Error (from protobufjs) on a truncated or malformed message
 */
export function readFields(buf: Uint8Array): WireField[] {
  const reader = Reader.create(buf);
  const fields: WireField[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wire = tag & 7;
    let payload: Uint8Array | null = null;
    if (wire === WIRE_LEN) {
      const len = reader.uint32();
      payload = buf.subarray(reader.pos, reader.pos + len);
      reader.pos += len;
    } else {
      reader.skipType(wire);
    }
    fields.push({ no: tag >>> 3, wire, raw: buf.subarray(start, reader.pos), payload });
  }
  return fields;
}

/** A length-delimited field `no` holding `payload` (a nested message, string or packed values). */
export function lenField(no: number, payload: Uint8Array): WireField {
  const raw = Writer.create()
    .uint32((no << 3) | WIRE_LEN)
    .bytes(payload)
    .finish();
  return { no, wire: WIRE_LEN, raw, payload };
}

/** A string field `no`. */
export const stringField = (no: number, value: string): WireField =>
  lenField(no, Buffer.from(value, 'utf8'));

/** A varint field `no`. */
export function varintField(no: number, value: number): WireField {
  const raw = Writer.create()
    .uint32((no << 3) | WIRE_VARINT)
    .int64(value)
    .finish();
  return { no, wire: WIRE_VARINT, raw, payload: null };
}

/** The value of a varint field (an enum such as a tensor's data type); NaN for other wire types. */
export function varintValue(field: WireField): number {
  if (field.wire !== WIRE_VARINT) {
    return NaN;
  }
  const reader = Reader.create(field.raw);
  reader.uint32();
  return readInt64(reader);
}

/** Encodes fields back into one message. */
export function joinFields(fields: WireField[]): Uint8Array {
  return Buffer.concat(fields.map((f) => f.raw));
}

/** UTF-8 text of a payload ('' for none). */
export const text = (bytes: Uint8Array | null): string =>
  bytes ? Buffer.from(bytes).toString('utf8') : '';

/** The string values of every field `no` (e.g. a node's inputs), in order. */
export function strings(fields: WireField[], no: number): string[] {
  return fields.filter((f) => f.no === no && f.payload).map((f) => text(f.payload));
}

/**
 * Applies `edit` to the first field `path[0]` of `buf`, recursing into nested messages along `path`.
 * @returns the re-encoded message, or null when a field on the path is missing or `edit` returned null
 */
export function editPath(
  buf: Uint8Array,
  path: number[],
  edit: (payload: Uint8Array) => Uint8Array | null,
): Uint8Array | null {
  const [head, ...rest] = path;
  const fields = readFields(buf);
  const i = fields.findIndex((f) => f.no === head && f.payload);
  const payload = fields[i]?.payload;
  if (head === undefined || !payload) {
    return null;
  }
  const next = rest.length === 0 ? edit(payload) : editPath(payload, rest, edit);
  if (!next) {
    return null;
  }
  fields[i] = lenField(head, next);
  return joinFields(fields);
}
