// SVG charts drawn in the page (no library): grouped vertical bars, horizontal bars, and
// estimates with intervals (the event study).

import { num } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * Grouped bars: `labels` along the x axis, `series` = [{name, className, values}].
 * `description` is the chart's accessible name.
 */
export function groupedBars({ labels, series, description, width = 640, height = 260 }) {
  const pad = { left: 44, right: 10, top: 28, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  root.append(svg("title", {}, description));
  for (let i = 0; i <= 4; i += 1) {
    const y = pad.top + plotH - (plotH * i) / 4;
    root.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }));
    root.append(svg("text", { x: pad.left - 6, y: y + 4, "text-anchor": "end", class: "axis" },
      num(Math.round((top * i) / 4))));
  }
  const groupW = plotW / labels.length;
  const barW = (groupW * 0.8) / series.length;
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const h = (plotH * value) / top;
      const x = pad.left + i * groupW + groupW * 0.1 + j * barW;
      const bar = svg("rect", { x, y: pad.top + plotH - h, width: Math.max(barW - 1, 1), height: h, class: s.className });
      bar.append(svg("title", {}, `${s.name}, ${label}: ${value}`));
      root.append(bar);
    });
    root.append(svg("text", { x: pad.left + (i + 0.5) * groupW, y: height - pad.bottom + 16, "text-anchor": "middle", class: "axis" }, label));
  });
  series.forEach((s, j) => {
    const x = pad.left + j * 110;
    root.append(svg("rect", { x, y: 8, width: 12, height: 12, class: s.className }));
    root.append(svg("text", { x: x + 16, y: 18, class: "legend" }, s.name));
  });
  return root;
}

/** Horizontal bars: one row per item = {label, value}. */
export function horizontalBars({ items, description, width = 640, className = "bar-after" }) {
  const rowH = 22;
  const pad = { left: 220, right: 50, top: 8, bottom: 8 };
  const height = pad.top + pad.bottom + rowH * Math.max(items.length, 1);
  const top = Math.max(1, ...items.map((i) => i.value));
  const plotW = width - pad.left - pad.right;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  root.append(svg("title", {}, description));
  items.forEach((item, i) => {
    const y = pad.top + i * rowH;
    const w = (plotW * item.value) / top;
    root.append(svg("text", { x: pad.left - 8, y: y + 15, "text-anchor": "end", class: "axis" }, item.label));
    const bar = svg("rect", { x: pad.left, y: y + 3, width: Math.max(w, 1), height: rowH - 6, class: className });
    bar.append(svg("title", {}, `${item.label}: ${item.value}`));
    root.append(bar);
    root.append(svg("text", { x: pad.left + w + 6, y: y + 15, class: "axis" }, num(item.value)));
  });
  return root;
}

/**
 * Estimates with intervals: `points` = [{x, label, value, low, high}] along the x axis, a zero
 * line, and a dashed line before x = 0 (the move).
 */
export function intervals({ points, description, width = 640, height = 260 }) {
  const pad = { left: 52, right: 12, top: 14, bottom: 34 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const lows = points.map((p) => p.low);
  const highs = points.map((p) => p.high);
  const span = Math.max(0.05, ...highs.map(Math.abs), ...lows.map(Math.abs));
  const top = span * 1.1;
  const y = (v) => pad.top + plotH / 2 - (plotH / 2) * (v / top);
  const xs = points.map((p) => p.x);
  const first = Math.min(...xs, -1);
  const last = Math.max(...xs, 1);
  const x = (v) => pad.left + ((v - first + 0.5) / (last - first + 1)) * plotW;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  root.append(svg("title", {}, description));
  for (const v of [-top, -top / 2, 0, top / 2, top]) {
    root.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: v === 0 ? "zero" : "grid" }));
    root.append(svg("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" }, num(v, 2)));
  }
  root.append(svg("line", { x1: x(-0.5), x2: x(-0.5), y1: pad.top, y2: pad.top + plotH, class: "move-line" }));
  for (const p of points) {
    const cx = x(p.x);
    root.append(svg("line", { x1: cx, x2: cx, y1: y(p.low), y2: y(p.high), class: "interval" }));
    const dot = svg("circle", { cx, cy: y(p.value), r: 4, class: p.x >= 0 ? "estimate after" : "estimate" });
    dot.append(svg("title", {}, `${p.label}: ${num(p.value, 2)} [${num(p.low, 2)}; ${num(p.high, 2)}]`));
    root.append(dot);
    root.append(svg("text", { x: cx, y: height - pad.bottom + 18, "text-anchor": "middle", class: "axis" }, String(p.x)));
  }
  return root;
}

/**
 * A trade-off: `points` = [{x, y, label, efficient}] as dots, the efficient ones (the Pareto
 * front) marked and joined in order of x; `xLabel` and `yLabel` name the axes.
 */
export function scatter({ points, xLabel, yLabel, frontName, description, width = 640, height = 300 }) {
  const pad = { left: 56, right: 16, top: 28, bottom: 44 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const span = (values) => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    const margin = high > low ? (high - low) * 0.08 : Math.max(Math.abs(high) * 0.05, 1);
    return [low - margin, high + margin];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const x = (v) => pad.left + ((v - x0) / (x1 - x0)) * plotW;
  const y = (v) => pad.top + plotH - ((v - y0) / (y1 - y0)) * plotH;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  root.append(svg("title", {}, description));
  for (let i = 0; i <= 4; i += 1) {
    const vy = y0 + ((y1 - y0) * i) / 4;
    const vx = x0 + ((x1 - x0) * i) / 4;
    root.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(vy), y2: y(vy), class: "grid" }));
    root.append(svg("text", { x: pad.left - 6, y: y(vy) + 4, "text-anchor": "end", class: "axis" }, vy.toFixed(1)));
    root.append(svg("text", { x: x(vx), y: pad.top + plotH + 16, "text-anchor": "middle", class: "axis" }, vx.toFixed(0)));
  }
  root.append(svg("text", { x: pad.left + plotW / 2, y: height - 6, "text-anchor": "middle", class: "axis" }, xLabel));
  root.append(svg("text", { x: 12, y: pad.top + plotH / 2, "text-anchor": "middle", class: "axis",
    transform: `rotate(-90 12 ${pad.top + plotH / 2})` }, yLabel));
  const front = points.filter((p) => p.efficient).sort((a, b) => a.x - b.x || a.y - b.y);
  if (front.length > 1) {
    root.append(svg("polyline", { points: front.map((p) => `${x(p.x)},${y(p.y)}`).join(" "), class: "front" }));
  }
  for (const p of points) {
    const dot = svg("circle", { cx: x(p.x), cy: y(p.y), r: p.efficient ? 6 : 4, class: p.efficient ? "point efficient" : "point" });
    dot.append(svg("title", {}, `${p.label}: ${xLabel} ${p.x}, ${yLabel} ${p.y}`));
    root.append(dot);
  }
  if (front.length) {
    root.append(svg("circle", { cx: pad.left + 6, cy: 14, r: 6, class: "point efficient" }));
    root.append(svg("text", { x: pad.left + 18, y: 18, class: "legend" }, frontName));
  }
  return root;
}
