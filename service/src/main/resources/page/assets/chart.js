// This node's request rate and mean latency over the last minutes, drawn as two small SVG
// lines. Both come from the node's own /metrics: the HTTP timer http_server_requests_seconds,
// its _count and _sum summed over every route, method and status. Between two samples the rate
// is the requests counted per second, and the mean latency their added time over their number.
import { api } from './api.js';
import { $ } from './ui.js';

const EVERY_MS = 5000;
const KEPT = 60; // 5 minutes of points
const SVG = 'http://www.w3.org/2000/svg';

/** The sums of the timer's _count and _sum series in a Prometheus text body; null when it has none. */
export function httpTotals(text) {
  let count = 0;
  let sum = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const metric = line.startsWith('http_server_requests_seconds_count') ? 'count'
      : line.startsWith('http_server_requests_seconds_sum') ? 'sum' : null;
    if (!metric) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    if (name !== `http_server_requests_seconds_${metric}`) continue;
    const rest = line.includes('{') ? line.slice(line.lastIndexOf('}') + 1) : line.slice(name.length);
    const value = Number(rest.trim().split(/\s+/)[0]); // a timestamp may follow the value
    if (!Number.isFinite(value)) continue;
    seen = true;
    if (metric === 'count') count += value;
    else sum += value;
  }
  return seen ? { count, sum } : null;
}

export class TrafficChart {
  constructor() {
    this.last = null;
    this.points = []; // { rate, latencyMs } per interval, oldest first
  }

  start() {
    this.sample();
  }

  async sample() {
    try {
      const totals = httpTotals(await api.metrics());
      this.add(totals, performance.now());
    } catch (e) {
      $('chart-caption').textContent = `Could not read this node's metrics: ${e.message}`;
    }
    setTimeout(() => this.sample(), EVERY_MS);
  }

  add(totals, at) {
    if (!totals) {
      this.last = null;
      $('chart-caption').textContent = 'no data yet: this node does not count its HTTP requests (http_server_requests_seconds)';
      return;
    }
    const last = this.last;
    this.last = { ...totals, at };
    if (!last) {
      $('chart-caption').textContent = 'no data yet: waiting for a second sample';
      return;
    }
    const requests = totals.count - last.count;
    if (requests < 0) return; // the node restarted: its counts began again
    const seconds = (at - last.at) / 1000;
    const latencyMs = requests > 0 ? ((totals.sum - last.sum) / requests) * 1000 : null;
    this.points.push({ rate: requests / seconds, latencyMs });
    if (this.points.length > KEPT) this.points.shift();
    this.draw();
  }

  draw() {
    const n = this.points.length;
    const now = this.points[n - 1];
    const rates = this.points.map(p => p.rate);
    const latencies = this.points.map(p => p.latencyMs);
    const minutes = Math.max(1, Math.round((n * EVERY_MS) / 60000));
    $('chart-caption').textContent = `The last ${n * EVERY_MS / 1000} s, a point every ${EVERY_MS / 1000} s`
      + ` (up to ${KEPT * EVERY_MS / 60000} minutes), from this node's /metrics.`;
    $('rate-now').textContent = `${now.rate.toFixed(1)}/s`;
    $('rate-max').textContent = `(peak ${Math.max(...rates).toFixed(1)}/s in ${minutes} min)`;
    $('latency-now').textContent = now.latencyMs === null ? '–' : `${now.latencyMs.toFixed(1)} ms`;
    const known = latencies.filter(v => v !== null);
    $('latency-max').textContent = known.length ? `(peak ${Math.max(...known).toFixed(1)} ms)` : '';
    line($('rate-chart'), rates);
    line($('latency-chart'), latencies);
  }
}

/** Draws values (null: a gap) left to right across the 300 x 60 box, scaled to their peak. */
function line(svg, values) {
  const peak = Math.max(1e-9, ...values.filter(v => v !== null));
  const step = 300 / (KEPT - 1);
  const offset = KEPT - values.length;
  const parts = [];
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    const x = (offset + i) * step;
    const y = 58 - (v / peak) * 54;
    parts.push(`${drawing ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`);
    drawing = true;
  });
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', parts.join(' '));
  path.setAttribute('class', 'series');
  path.setAttribute('vector-effect', 'non-scaling-stroke');
  const base = document.createElementNS(SVG, 'line');
  for (const [k, v] of Object.entries({ x1: 0, y1: 58, x2: 300, y2: 58, class: 'axis', 'vector-effect': 'non-scaling-stroke' })) {
    base.setAttribute(k, v);
  }
  svg.replaceChildren(base, path);
}
