// test/support/doc-blocks: which Markdown blocks run, how a command's comment becomes its expected output and exit code.
import { describe, expect, it } from 'vitest';
import { docBlocks, shapePattern, splitComment } from '../../support/doc-blocks.js';

const md = [
  'Intro',
  '```sh',
  'kproduce teste hello        # → ✔ teste[0]@0 12 ms',
  '# a comment line',
  'kconsume teste -g g1        # → teste[0]@0 hello   (Ctrl-C to stop); a note after three spaces',
  'ktopics describe nosuch     # no such topic (exit 1)',
  'kcat -b x \\',
  '  -L',
  '```',
  '',
  '<!-- doc: skip: needs a Docker engine -->',
  '```sh',
  'docker compose up -d',
  '```',
  '```json',
  '{"not": "run"}',
  '```',
].join('\n');

describe('docBlocks', () => {
  const blocks = docBlocks('X.md', md);

  it('finds the sh blocks only, with their lines, and the skip reason on the line before a fence', () => {
    expect(blocks.map((b) => [b.line, b.skip])).toEqual([
      [2, undefined],
      [12, 'needs a Docker engine'],
    ]);
  });

  it('turns each command line into a command, joining continued lines, leaving comment lines out', () => {
    expect(blocks[0]!.commands.map((c) => [c.line, c.command])).toEqual([
      [3, 'kproduce teste hello'],
      [5, 'kconsume teste -g g1'],
      [6, 'ktopics describe nosuch'],
      [7, 'kcat -b x \\\n  -L'],
    ]);
  });

  it('reads the expected output, the exit code and Ctrl-C from the comment', () => {
    const [produce, consume, describeMissing, kcat] = blocks[0]!.commands;
    expect(produce).toMatchObject({ exit: 0, follow: false });
    expect('✔ teste[0]@0 3 ms').toMatch(produce!.expect!);
    expect('✔ teste[1]@0 3 ms').not.toMatch(produce!.expect!);
    expect(consume).toMatchObject({ exit: 130, follow: true });
    expect('teste[0]@0 hello').toMatch(consume!.expect!);
    expect(describeMissing).toMatchObject({ exit: 1, follow: false });
    expect(describeMissing!.expect).toBeUndefined();
    expect(kcat!.expect).toBeUndefined();
  });

  it('refuses a block that never closes', () => {
    expect(() => docBlocks('Y.md', '```sh\nls\n')).toThrow('Y.md:1: a code block that never closes');
  });
});

describe('splitComment', () => {
  it.each([
    ['a # b', 'a', 'b'],
    ["echo '#not' # yes", "echo '#not'", 'yes'],
    ['echo "a # b"', 'echo "a # b"', ''],
    ['echo $# a#b', 'echo $# a#b', ''],
    ['echo \\# x', 'echo \\# x', ''],
  ])('%s', (text, command, comment) => {
    expect(splitComment(text)).toEqual({ command, comment });
  });
});

describe('shapePattern', () => {
  it.each([
    ['kproduce: 1000 messages (5.9 MB) acknowledged in 1771 ms, 564653 msg/s', 'kproduce: 1000 messages (12.3 kB) acknowledged in 3 ms, 9 msg/s', true],
    ['kproduce: 1000 messages (5.9 MB) acknowledged in 1771 ms, 564653 msg/s', 'kproduce: 999 messages (5.9 MB) acknowledged in 3 ms, 9 msg/s', false],
    ['teste[0]@… hello', 'teste[0]@17 hello', true],
    ['a.b', 'axb', false],
  ])('%s ~ %s: %s', (shape, line, ok) => {
    expect(shapePattern(shape).test(line)).toBe(ok);
  });
});
