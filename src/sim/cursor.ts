/**
 * Kalshi's cursors are base64url protobuf messages `{1: Timestamp{seconds, nanos}, 2: ticker}`
 * naming the last row served (decoded from real captures). The simulator builds the same shape
 * so that a cursor is a keyset position: it survives inserts and removals between pages.
 */
export interface CursorPosition {
  /** The sort time of the last row served, in microseconds. */
  us: number;
  /** The ticker of the last row served. */
  key: string;
}

export function encodeCursor(position: CursorPosition): string {
  const seconds = Math.floor(position.us / 1_000_000);
  const nanos = (position.us - seconds * 1_000_000) * 1_000;
  const timestamp = [...field(1, varint(seconds)), ...(nanos > 0 ? field(2, varint(nanos)) : [])];
  const ticker = [...Buffer.from(position.key, 'utf8')];
  const bytes = [0x0a, ...varint(timestamp.length), ...timestamp, 0x12, ...varint(ticker.length), ...ticker];
  return Buffer.from(bytes).toString('base64url');
}

/** Returns null for anything that is not a cursor this server could have issued. */
export function decodeCursor(cursor: string): CursorPosition | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  const reader = { bytes, at: 0 };
  if (readByte(reader) !== 0x0a) return null;
  const timestampEnd = readVarint(reader) + reader.at;
  let seconds = 0;
  let nanos = 0;
  while (reader.at < timestampEnd) {
    const tag = readByte(reader);
    if (tag === 0x08) seconds = readVarint(reader);
    else if (tag === 0x10) nanos = readVarint(reader);
    else return null;
  }
  if (reader.at !== timestampEnd || readByte(reader) !== 0x12) return null;
  const length = readVarint(reader);
  if (reader.at + length !== bytes.length || Number.isNaN(seconds) || Number.isNaN(nanos)) return null;
  const key = bytes.subarray(reader.at, reader.at + length).toString('utf8');
  return { us: seconds * 1_000_000 + Math.floor(nanos / 1_000), key };
}

function field(number: number, value: number[]): number[] {
  return [(number << 3) | 0, ...value];
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

interface Reader {
  bytes: Buffer;
  at: number;
}

function readByte(reader: Reader): number {
  const byte = reader.bytes[reader.at];
  reader.at += 1;
  return byte ?? -1;
}

function readVarint(reader: Reader): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i += 1) {
    const byte = readByte(reader);
    if (byte < 0) return Number.NaN;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 0x80;
  }
  return Number.NaN;
}
