// A small PNG reader for tests that look at what a browser or pdftoppm drew: the chunks,
// IDAT inflated with node's zlib, and the scanline filters of the PNG specification undone.
// 8-bit greyscale, grey+alpha, RGB and RGBA, not interlaced: what chromium and pdftoppm write.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** Channels per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 4: 2, 2: 3, 6: 4 };

export function readPng(data: Buffer): Image {
  if (!data.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const colour = body[9] ?? -1;
      channels = CHANNELS[colour] ?? 0;
      if (depth !== 8 || channels === 0 || body[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${body[12]}`);
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y === 0 ? Buffer.alloc(stride) : pixels.subarray((y - 1) * stride, y * stride);
    for (let x = 0; x < stride; x += 1) {
      const a = x >= channels ? (out[x - channels] ?? 0) : 0;
      const b = up[x] ?? 0;
      const c = x >= channels ? (up[x - channels] ?? 0) : 0;
      const v = line[x] ?? 0;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`PNG row ${y}: unknown filter ${filter}`);
      }
      out[x] = (v + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** The pixel at (x, y) as [r, g, b] (grey repeated). */
export function rgbAt(img: Image, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * img.channels;
  const p = img.pixels;
  return img.channels < 3 ? [p[i] ?? 0, p[i] ?? 0, p[i] ?? 0] : [p[i] ?? 0, p[i + 1] ?? 0, p[i + 2] ?? 0];
}

/** The share of pixels that are not (nearly) white. */
export function inkShare(img: Image): number {
  let ink = 0;
  for (let y = 0; y < img.height; y += 1)
    for (let x = 0; x < img.width; x += 1) {
      const [r, g, b] = rgbAt(img, x, y);
      if (r < 235 || g < 235 || b < 235) ink += 1;
    }
  return ink / (img.width * img.height);
}

/** How many pixels are within `tolerance` of the colour "#rrggbb" on every channel. */
export function colourCount(img: Image, hex: string, tolerance = 24): number {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let y = 0; y < img.height; y += 1)
    for (let x = 0; x < img.width; x += 1) {
      const px = rgbAt(img, x, y);
      if (px.every((v, i) => Math.abs(v - (want[i] ?? 0)) <= tolerance)) n += 1;
    }
  return n;
}
