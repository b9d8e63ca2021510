// Workload data: a file of `count` lines, each a record of exactly `size` bytes (numbered, then filler), then "\n".
import { writeFileSync } from 'node:fs';

export function writeData(file: string, count: number, size: number): void {
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(size / 36) + 1);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const head = `record-${String(i).padStart(9, '0')}-`;
    parts.push(head + filler.slice(0, size - head.length));
  }
  writeFileSync(file, parts.join('\n') + '\n');
}
