// Aligned text columns for human output; colour codes do not count towards a column's width.
import { stripVTControlCharacters } from 'node:util';

/** Pads each cell to its column's widest cell; the last column is not padded. */
export function table(rows: string[][], gap = '  '): string[] {
  const width = (s: string) => stripVTControlCharacters(s).length;
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)))).join(gap).trimEnd());
}
