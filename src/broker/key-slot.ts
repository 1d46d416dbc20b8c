// The Redis Cluster hash slot of a key or sharded channel: CRC16 (XMODEM) of its hash tag, mod 16384.
// The broker needs it to pick, per shard, a probe channel that the shard owns.

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

export const SLOT_COUNT = 16384;

// Every publish asks for its topic's slot: the key's UTF-8 goes into one reused buffer, not a new one each time.
let scratch = Buffer.allocUnsafe(256);

function crc16(key: string): number {
  const length = Buffer.byteLength(key);
  if (length > scratch.length) scratch = Buffer.allocUnsafe(length);
  scratch.write(key, 0, "utf8");
  let crc = 0;
  for (let i = 0; i < length; i++) crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ scratch[i]!) & 0xff]!) & 0xffff;
  return crc;
}

/** Only the part inside the first `{...}` is hashed, when that part is not empty. */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  if (open !== -1) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(key) % SLOT_COUNT;
}
