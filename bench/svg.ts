// Renders benchmark panels as one SVG of horizontal bar charts (no dependencies; GitHub shows it in the README).

export interface Panel {
  title: string;
  unit: string;
  /** Which way is better, said under the title. */
  better: 'higher' | 'lower';
  bars: Array<{ label: string; value: number; highlight?: boolean }>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function renderSvg(title: string, subtitle: string, panels: Panel[]): string {
  // Labels right-aligned before the bars: as wide as the longest (about 6.6 px a character at 12 px), at least 210.
  const longest = Math.max(0, ...panels.flatMap((p) => p.bars.map((b) => b.label.length)));
  const labelW = Math.max(210, Math.ceil(16 + longest * 6.6));
  const width = labelW + 550;
  const barMax = width - labelW - 130;
  const rowH = 22;
  let y = 58;
  const parts: string[] = [
    `<text x="16" y="26" font-size="17" font-weight="bold">${esc(title)}</text>`,
    `<text x="16" y="44" font-size="11" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (const p of panels) {
    y += 18;
    parts.push(`<text x="16" y="${y}" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
    parts.push(`<text x="${width - 16}" y="${y}" font-size="11" fill="#555" text-anchor="end">${esc(p.unit)}, ${p.better} is better</text>`);
    y += 8;
    const max = Math.max(...p.bars.map((b) => b.value), 1e-9);
    for (const b of p.bars) {
      const w = Math.max(1, Math.round((b.value / max) * barMax));
      parts.push(`<text x="${labelW - 8}" y="${y + 15}" font-size="12" text-anchor="end">${esc(b.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" rx="2" fill="${b.highlight ? '#d9480f' : '#868e96'}"/>`);
      parts.push(`<text x="${labelW + w + 6}" y="${y + 15}" font-size="12">${esc(fmt(b.value))}</text>`);
      y += rowH;
    }
    y += 6;
  }
  const height = y + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
