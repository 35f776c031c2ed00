/**
 * The horizontal scale shared by the lock-timeline charts (SVG in the editor, text in the CLI):
 * each statement's width follows its estimated duration, but never shrinks below a small share,
 * so a 1 ms ALTER next to a 10 minute index build is still visible and clickable.
 */
export interface ChartScale {
  /** Left edge of each statement, in [0, 1]. */
  left: number[];
  width: number[];
  /** Where a segment spanning statement positions [first, last] starts and ends, in [0, 1]. */
  span(first: number, last: number): { x0: number; x1: number };
}

/** `minShare`: the least fraction of the chart any statement gets. */
export function chartScale(durations: number[], minShare = 0.04): ChartScale {
  const n = durations.length;
  if (n === 0) return { left: [], width: [], span: () => ({ x0: 0, x1: 0 }) };
  const total = durations.reduce((s, d) => s + Math.max(0, d), 0);
  const floor = Math.min(minShare, 1 / n);
  // Statements below the floor get it; the rest share what is left by duration.
  const raw = durations.map((d) => (total > 0 ? Math.max(0, d) / total : 1 / n));
  const small = raw.map((r) => r < floor);
  const reserved = small.filter(Boolean).length * floor;
  const bigTotal = raw.reduce((s, r, i) => (small[i] ? s : s + r), 0);
  const width = raw.map((r, i) => (small[i] ? floor : bigTotal > 0 ? (r / bigTotal) * (1 - reserved) : floor));
  const left: number[] = [];
  let x = 0;
  for (const w of width) {
    left.push(x);
    x += w;
  }
  return {
    left,
    width,
    span: (first, last) => ({ x0: left[first] ?? 0, x1: (left[last] ?? 0) + (width[last] ?? 0) }),
  };
}
