// Draws images/icon.png (128×128): a padlock over two staggered steps, anti-aliased from signed
// distances, written with zlib alone so the icon can be regenerated without image tools.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const SS = 4; // supersampling per axis
const bg = [0x1f, 0x4e, 0x8c];
const fg = [0xff, 0xff, 0xff];
const accent = [0xf5, 0xb0, 0x2e];

const box = (x, y, x0, y0, x1, y1, r) => {
  const qx = Math.abs(x - (x0 + x1) / 2) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(y - (y0 + y1) / 2) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const ring = (x, y, cx, cy, r, w) => (y > cy ? Infinity : Math.abs(Math.hypot(x - cx, y - cy) - r) - w);

function colourAt(x, y) {
  if (box(x, y, 4, 4, 124, 124, 24) > 0) return null;
  const shackle = Math.min(ring(x, y, 64, 52, 20, 6), box(x, y, 38, 50, 50, 66, 0), box(x, y, 78, 50, 90, 66, 0));
  if (box(x, y, 30, 62, 98, 108, 10) <= 0) {
    // Two steps cut out of the lock body: expand, then contract.
    if (box(x, y, 44, 84, 60, 96, 2) <= 0 || box(x, y, 60, 74, 84, 86, 2) <= 0) return accent;
    return fg;
  }
  if (shackle <= 0) return fg;
  return bg;
}

const rows = [];
for (let py = 0; py < N; py++) {
  const row = Buffer.alloc(1 + N * 4);
  for (let px = 0; px < N; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
      const c = colourAt(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
      if (!c) continue;
      r += c[0]; g += c[1]; b += c[2]; a++;
    }
    const o = 1 + px * 4;
    if (a) row.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((255 * a) / (SS * SS))], o);
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
const header = Buffer.alloc(13);
header.writeUInt32BE(N, 0);
header.writeUInt32BE(N, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows))),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
console.log(`images/icon.png: ${png.length} bytes`);
