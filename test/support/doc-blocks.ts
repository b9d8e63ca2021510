// The shell blocks of the README and docs/ as commands to run: what each prints (`# → shape`), its exit code, and
// which blocks cannot run here (`<!-- doc: skip: reason -->` on the line before the fence). Pure; see docs/README.md.
export interface DocCommand {
  file: string;
  /** 1-based line of the command's first line in the file. */
  line: number;
  command: string;
  /** A line of the command's output (stdout or stderr) must match this, when the doc shows one. */
  expect?: RegExp;
  /** The exit code the doc promises: 0 unless the comment says `(exit N)`; 130 for a command stopped with Ctrl-C. */
  exit: number;
  /** `(Ctrl-C to stop)`: it runs until it has printed what `expect` shows, then gets SIGINT. */
  follow: boolean;
}

export interface DocBlock {
  file: string;
  line: number;
  /** Why it does not run, when it does not. */
  skip?: string;
  commands: DocCommand[];
}

const SKIP = /^<!--\s*doc:\s*skip:\s*(.+?)\s*-->$/;

/** Every ```sh block of a Markdown file, in order. */
export function docBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```(\S*)/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) throw new Error(`${file}:${i + 1}: a code block that never closes`);
    if (fence[2] === 'sh') {
      const before = lines.slice(0, i).reverse().find((l) => l.trim() !== '')?.trim() ?? '';
      const skip = SKIP.exec(before)?.[1];
      blocks.push({ file, line: i + 1, ...(skip ? { skip } : {}), commands: commandsOf(file, lines.slice(i + 1, end), i + 2) });
    }
    i = end;
  }
  return blocks;
}

function commandsOf(file: string, body: string[], firstLine: number): DocCommand[] {
  const out: DocCommand[] = [];
  for (let i = 0; i < body.length; i++) {
    const line = i + firstLine;
    let text = body[i]!;
    while (text.endsWith('\\') && i + 1 < body.length) text += '\n' + body[++i]!; // bash reads backslash-newline as one line
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const { command, comment } = splitComment(text);
    out.push({ file, line, command, ...parseComment(comment) });
  }
  return out;
}

/** The command and its trailing `# comment`; a `#` inside quotes or a word (`$#`, `a#b`) is not a comment. */
export function splitComment(text: string): { command: string; comment: string } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return { command: text.slice(0, i).trimEnd(), comment: text.slice(i + 1).trim() };
  }
  return { command: text.trimEnd(), comment: '' };
}

function parseComment(comment: string): Pick<DocCommand, 'expect' | 'exit' | 'follow'> {
  const follow = /\(Ctrl-C to stop\)/.test(comment);
  const exit = Number(/\(exit (\d+)\)/.exec(comment)?.[1] ?? (follow ? 130 : 0));
  if (!comment.startsWith('→')) return { exit, follow };
  // The shape ends where three spaces begin a note: `→ teste[0]@5 hello   (Ctrl-C to stop); resumes next time`.
  const shape = comment.slice(1).trim().split(/\s{3,}/)[0]!.replace(/\((Ctrl-C to stop|exit \d+)\)/g, '').trim();
  return { expect: shapePattern(shape), exit, follow };
}

/**
 * What a doc shows as output, as a pattern for one whole line: `…` stands for anything, and durations and rates
 * (`12 ms`, `4000 msg/s`, `(5.9 MB)`) for any number; every other character is literal.
 */
export function shapePattern(shape: string): RegExp {
  const escaped = shape.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const source = escaped
    .replace(/…/g, '.*')
    .replace(/\d+(\\\.\d+)? (ms|s|msg\\\/s)\b/g, '\\d+(\\.\\d+)? $2')
    .replace(/\d+(\\\.\d+)? (B|kB|MB|GB|TB)\b/g, '\\d+(\\.\\d+)? [kMGT]?B');
  return new RegExp(`^${source}$`, 'm');
}
