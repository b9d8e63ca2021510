// Which installed plugin a --class names (full class, simple name, or Connect's alias without "Connector"), and close
// names when none does.
import { EXIT, KtoolError } from '../errors.js';
import type { Plugin } from './api.js';

const simple = (cls: string) => cls.slice(cls.lastIndexOf('.') + 1);
const alias = (cls: string) => simple(cls).replace(/Connector$/, '');

export function findPlugin(list: Plugin[], name: string): Plugin | undefined {
  const connectors = list.filter((p) => p.type === 'source' || p.type === 'sink');
  return connectors.find((p) => p.class === name) ?? connectors.find((p) => simple(p.class) === name || alias(p.class) === name);
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return d[b.length]!;
}

/** Up to three installed connectors whose names are near the one given (case-insensitive). */
export function closeNames(list: Plugin[], name: string): string[] {
  const want = alias(name).toLowerCase();
  return list
    .filter((p) => p.type === 'source' || p.type === 'sink')
    .map((p) => {
      const a = alias(p.class).toLowerCase();
      return { p, score: a.includes(want) || want.includes(a) ? 0 : distance(a, want) };
    })
    .filter((x) => x.score <= Math.max(3, Math.floor(want.length / 3)))
    .sort((x, y) => x.score - y.score)
    .slice(0, 3)
    .map((x) => x.p.class);
}

export function unknownClass(list: Plugin[], name: string): KtoolError {
  const near = closeNames(list, name);
  return new KtoolError('UNKNOWN_CLASS', `this worker has no connector class "${name}"`, {
    exitCode: EXIT.usage,
    hint: near.length ? `did you mean ${near.join(', ')}? (\`kconnect plugins\` lists them all)` : '`kconnect plugins` lists the installed connectors; `kstack up --connect --plugin G:A:V` adds one from Maven Central',
  });
}
