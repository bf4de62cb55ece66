// Medians, spreads and number formatting for the benchmark's figures.

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Lowest and highest of the finite values: how far the rounds or processes spread. */
export const range = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length ? [Math.min(...s), Math.max(...s)] : [NaN, NaN];
};
export const rotate = (xs, n) => xs.map((_, i) => xs[(i + n) % xs.length]);

export function fmt(x, digits = 1) {
  if (!Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
