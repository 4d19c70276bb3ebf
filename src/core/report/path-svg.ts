// The path picture as inline SVG: the four stages as boxes across the top, and one line per
// flow from the devices towards its cloud host, coloured by its verdict and ending with a
// mark where it stops. Every flow also says its verdict in words, so the picture reads in
// grey on paper too. Made here, from the model; no charting service, no script.
import { type CheckStatus, STATUSES } from '../check/result.js';
import { type Html, html } from './html.js';
import { type PathNode, type PathPicture, type PathRow, STAGES, type Stage } from './path.js';

/** One colour per verdict; the same in the flow table's badges (the report's CSS). */
export const STATUS_COLOURS: Record<CheckStatus, string> = {
  ok: '#1a7f37',
  'dns-error': '#8250df',
  timeout: '#cf222e',
  refused: '#cf222e',
  'tls-untrusted': '#bc4c00',
  'tls-error': '#bc4c00',
  'proxy-error': '#0550ae',
  'local-error': '#57606a',
};

const WIDTH = 1200;
const X: Record<Stage, number> = { 'agent-host': 105, resolver: 300, gateway: 495, cloud: 690 };
const BOX = { width: 186, height: 66, top: 8 };
const ROWS_TOP = BOX.top + BOX.height + 26;
const ROW = 20;
/** Characters of a host:port label that fit right of the cloud column. */
const LABEL_CHARS = 58;
/** Characters of a box's detail line. */
const DETAIL_CHARS = 30;

export function pathSvg(picture: PathPicture, id: string): Html {
  const statuses = STATUSES.filter((s) => picture.rows.some((r) => r.status === s));
  const legendTop = ROWS_TOP + picture.rows.length * ROW + 14;
  const height = legendTop + Math.ceil(statuses.length / 4) * 18 + 22;
  const bottom = ROWS_TOP + picture.rows.length * ROW - ROW / 2;
  const used = STAGES.filter((s) => picture.rows.some((r) => r.stop === s)).length;
  return html`<svg class="path-picture" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg"
 viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">
<title id="${id}-title">The path of ${picture.rows.length} flows; they stop at ${used} of ${STAGES.length} stages</title>
${picture.nodes.map((n) => stageBox(n, bottom))}${picture.rows.map(flowLine)}<g class="legend" font-size="12">
${statuses.map((s, i) => legendItem(s, 20 + (i % 4) * 270, legendTop + Math.floor(i / 4) * 18 + 4))}
<circle cx="26" cy="${height - 12}" r="3" fill="#ffffff" stroke="#8c959f"/>
<text x="40" y="${height - 8}" fill="#57606a">resolver not asked: a proxy resolves these names</text>
</g>
</svg>`;
}

/** A stage: its box across the top, and its column line down past the last flow. */
function stageBox(n: PathNode, bottom: number): Html {
  const x = X[n.stage];
  const detail = lines(n.detail, DETAIL_CHARS, 2).map(
    (l, i) => html`<text x="${x}" y="${BOX.top + 42 + i * 14}" text-anchor="middle" font-size="11" fill="#424a53">${l}</text>`,
  );
  return html`<g class="stage" data-stage="${n.stage}">
<line x1="${x}" y1="${BOX.top + BOX.height}" x2="${x}" y2="${bottom + 6}" stroke="#d0d7de" stroke-width="1"/>
<rect x="${x - BOX.width / 2}" y="${BOX.top}" width="${BOX.width}" height="${BOX.height}" rx="6" fill="#f6f8fa" stroke="#8c959f"/>
<text x="${x}" y="${BOX.top + 24}" text-anchor="middle" font-weight="bold" font-size="13">${n.title}</text>${detail}</g>
`;
}

/** One flow: the whole path dashed, the part it travels in its verdict's colour, its mark, its name and verdict. */
function flowLine(r: PathRow, i: number): Html {
  const y = ROWS_TOP + i * ROW;
  const colour = STATUS_COLOURS[r.status];
  const stop = X[r.stop];
  const from = X['agent-host'];
  const travelled = stop > from ? html`<line x1="${from}" y1="${y}" x2="${stop}" y2="${y}" stroke="${colour}" stroke-width="3"/>` : null;
  // Filled where the flow asked the resolver, hollow where a proxy resolved for it.
  const resolver = r.resolved
    ? html`<circle cx="${X.resolver}" cy="${y}" r="3" fill="${r.stop === 'agent-host' ? '#d0d7de' : colour}"/>`
    : html`<circle cx="${X.resolver}" cy="${y}" r="3" fill="#ffffff" stroke="#8c959f"/>`;
  return html`<g class="flow" data-status="${r.status}" data-stop="${r.stop}">
<line x1="${from}" y1="${y}" x2="${X.cloud}" y2="${y}" stroke="#d0d7de" stroke-width="1" stroke-dasharray="3 3"/>
${travelled}${resolver}${mark(r.status, stop, y, colour)}
<text x="${X.cloud + 18}" y="${y + 4}" font-size="12">${clip(r.flow, LABEL_CHARS)}</text>
<text x="${WIDTH - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="${colour}" font-weight="bold">${r.status}</text>
</g>
`;
}

function legendItem(status: CheckStatus, x: number, y: number): Html {
  return html`<g>${mark(status, x + 6, y - 4, STATUS_COLOURS[status])}<text x="${x + 20}" y="${y}">${status}: ${LEGEND[status]}</text></g>
`;
}

/** A filled dot where a flow gets out, a cross where it stops. */
function mark(status: CheckStatus, x: number, y: number, colour: string): Html {
  if (status === 'ok') return html`<circle cx="${x}" cy="${y}" r="6" fill="${colour}"/>`;
  const d = 6;
  return html`<path d="M${x - d} ${y - d}L${x + d} ${y + d}M${x + d} ${y - d}L${x - d} ${y + d}" stroke="${colour}" stroke-width="3" stroke-linecap="round"/>`;
}

const LEGEND: Record<CheckStatus, string> = {
  ok: 'gets out',
  'dns-error': 'stops at the resolver',
  timeout: 'dropped at the firewall',
  refused: 'refused at the firewall',
  'tls-untrusted': 'TLS inspected on the way',
  'tls-error': 'TLS broken on the way',
  'proxy-error': 'stops at the proxy',
  'local-error': 'not tried: this machine',
};

/** Words in lines of at most `max` characters, at most `count` lines (the last one cut). */
function lines(text: string, max: number, count: number): string[] {
  const out: string[] = [];
  for (const word of text.split(' ')) {
    const last = out.length - 1;
    if (last >= 0 && [...`${out[last]} ${word}`].length <= max) out[last] = `${out[last]} ${word}`;
    else out.push(word);
  }
  const kept = out.slice(0, count);
  if (out.length > count) kept[count - 1] = `${kept[count - 1]} ${out.slice(count).join(' ')}`;
  return kept.map((l) => clip(l, max));
}

/** SVG text does not wrap: long text is cut with an ellipsis (the tables give it whole). */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
