// Line charts drawn as SVG: latency of an endpoint's latest requests, and a job's metric history.

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#0f6cbd', '#c4314b', '#13a10e', '#8764b8', '#ca5010', '#038387'];

function svg(name, attributes, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  if (parent) {
    parent.appendChild(node);
  }
  return node;
}

function label(value) {
  if (Math.abs(value) >= 1000 || Number.isInteger(value)) {
    return String(Math.round(value));
  }
  return value.toPrecision(3);
}

/**
 * series: [{ name, points: [[x, y], ...] }]; options: { title, xLabel, yLabel }. Returns a figure holding the
 * chart and a legend; a chart with no points says so instead.
 */
export function lineChart(series, options = {}) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = options.title || '';
  figure.appendChild(caption);
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = options.empty || 'Nothing to chart yet.';
    figure.appendChild(empty);
    return figure;
  }
  const width = 640;
  const height = 220;
  const left = 56;
  const bottom = 28;
  const top = 10;
  const right = 12;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs) === xMin ? xMin + 1 : Math.max(...xs);
  const yMin = Math.min(0, ...ys);
  const yMax = Math.max(...ys) === yMin ? yMin + 1 : Math.max(...ys);
  const x = (v) => left + ((v - xMin) / (xMax - xMin)) * (width - left - right);
  const y = (v) => height - bottom - ((v - yMin) / (yMax - yMin)) * (height - top - bottom);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': options.title || 'chart' });
  svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }, root);
  svg('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }, root);
  for (const value of [yMin, (yMin + yMax) / 2, yMax]) {
    const text = svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'tick' }, root);
    text.textContent = label(value);
  }
  const yTitle = svg('text', { x: 4, y: top + 10, class: 'tick' }, root);
  yTitle.textContent = options.yLabel || '';
  const xTitle = svg('text', { x: width - right, y: height - 6, 'text-anchor': 'end', class: 'tick' }, root);
  xTitle.textContent = options.xLabel || '';
  const legend = document.createElement('ul');
  legend.className = 'legend';
  series.forEach((s, i) => {
    if (s.points.length === 0) {
      return;
    }
    const colour = COLOURS[i % COLOURS.length];
    const sorted = [...s.points].sort((a, b) => a[0] - b[0]);
    svg('polyline', {
      points: sorted.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '),
      fill: 'none', stroke: colour, 'stroke-width': 1.5, 'data-series': s.name,
    }, root);
    for (const p of sorted) {
      svg('circle', { cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1), r: 2, fill: colour }, root);
    }
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour;
    item.append(swatch, `${s.name} (${s.points.length})`);
    legend.appendChild(item);
  });
  figure.append(root, legend);
  return figure;
}
