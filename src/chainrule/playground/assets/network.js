// The network diagram: the input features, each hidden unit as a square with its heatmap over
// the plane, the output, and every weight as a line (colour = sign, width = |w|). Hovering a
// unit or a line shows its numbers; a line's click asks for that weight's paths of influence.

import { element } from "./controls.js";
import {
  CLASS_COLOURS, diverging, drawBoundary, drawDigit, drawFeature, drawUnit, featureLabel, rgb,
} from "./plane.js";
import { formatNumber } from "./chart.js";

const SVG = "http://www.w3.org/2000/svg";
const HEADER = 54; // room for a hidden layer's +/− buttons and its count
const POSITIVE_LINE = rgb(diverging(1));
const NEGATIVE_LINE = rgb(diverging(-1));

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** Line width for |w|: thin for small weights, capped for large ones. */
function width(w) {
  return Math.min(0.4 + 1.6 * Math.abs(w), 7);
}

/** The name the backprop view uses for weight w_ji of layer l (zero-based j, i). */
export function weightName(l, j, i) {
  return `W${l}[${j},${i}]`;
}

export class NetworkView {
  /**
   * container: the diagram's element; tooltip: the shared tooltip element;
   * handlers: {toggleFeature(name), editLayers(sizes), weight(l, j, i)}.
   */
  constructor(container, tooltip, maxUnits, handlers) {
    this.container = container;
    this.maxUnits = maxUnits;
    this.tooltip = tooltip;
    this.handlers = handlers;
    this.signature = "";
    this.frame = null;
    container.addEventListener("mousemove", (event) => this.hover(event));
    container.addEventListener("mouseleave", () => {
      this.tooltip.hidden = true;
      this.setHovered(null);
    });
    container.addEventListener("click", (event) => this.click(event));
    container.addEventListener("keydown", (event) => {
      if ((event.key === "Enter" || event.key === " ") && event.target.dataset.feature) {
        event.preventDefault();
        this.handlers.toggleFeature(event.target.dataset.feature);
      }
    });
  }

  /**
   * Lay the diagram out. data: the ready message's data; choices: the features a click turns
   * on and off (the generated 2-D sets) or null; hidden: the hidden layers' sizes; outputs:
   * the output layer's units.
   */
  layout(data, choices, hidden, outputs) {
    this.data = data;
    this.choices = choices;
    this.hidden = hidden;
    this.outputs = outputs;
    this.signature = JSON.stringify([data.kind, data.features, hidden, outputs,
      this.container.clientWidth]);
    const box = this.container;
    box.replaceChildren();
    const widthPx = Math.max(320, box.clientWidth);
    const plane = data.kind === "plane";
    const inputs = data.kind === "digits" ? [] : plane && choices ? choices : data.features;
    const most = Math.max(inputs.length, ...hidden, outputs, 1);
    const spacing = most > 10 ? 32 : most > 6 ? 40 : 48;
    const size = spacing - 12;
    const columns = hidden.length + 2;
    const left = 60; // room for the feature names
    const gap = (widthPx - left - size - 12) / (columns - 1);
    const columnX = (c) => left + c * gap;
    const digitGrid = data.kind === "digits" ? 8 : 0;
    const cell = 12;
    const height = HEADER + Math.max(most * spacing, digitGrid * cell + 20) + 8;
    box.style.height = `${height}px`;
    const lines = svg("svg", { class: "links", width: widthPx, height,
      viewBox: `0 0 ${widthPx} ${height}` });
    box.append(lines);
    this.units = []; // per column: [{x, y, node, canvas}]

    // inputs
    const column0 = [];
    if (digitGrid) {
      const grid = element("canvas", { class: "digit-input", width: 8, height: 8,
        title: "the 64 pixels of the example's 8×8 picture: the inputs" });
      grid.style.left = `${columnX(0) - 40}px`;
      grid.style.top = `${HEADER}px`;
      grid.style.width = grid.style.height = `${8 * cell}px`;
      box.append(grid);
      this.digitCanvas = grid;
      for (let k = 0; k < 64; k += 1) {
        column0.push({ x: columnX(0) - 40 + (k % 8 + 0.5) * cell + 0, y: HEADER +
          (Math.floor(k / 8) + 0.5) * cell, right: columnX(0) - 40 + 8 * cell, name: `pixel ${k}` });
      }
    } else {
      this.digitCanvas = null;
      const active = new Set(data.features);
      inputs.forEach((name, k) => {
        const y = HEADER + k * spacing;
        const on = !plane || active.has(name);
        const node = element("div", { class: `unit input${on ? "" : " off"}`, "data-l": "0",
          "data-j": String(data.features.indexOf(name)), "data-name": name });
        node.style.left = `${columnX(0)}px`;
        node.style.top = `${y}px`;
        node.style.width = node.style.height = `${size}px`;
        const label = element("span", { class: "feature-name", text: featureLabel(name) });
        label.style.top = `${y + size / 2 - 8}px`;
        label.style.right = `${widthPx - columnX(0) + 6}px`;
        if (plane) {
          const canvas = element("canvas", { width: size, height: size });
          node.append(canvas);
          drawFeature(canvas, name, data.extent);
        }
        if (plane && choices) {
          node.dataset.feature = name;
          node.setAttribute("role", "checkbox");
          node.setAttribute("aria-checked", String(on));
          node.setAttribute("aria-label", `feature ${featureLabel(name)}`);
          node.tabIndex = 0;
        }
        box.append(node, label);
        if (on) column0[data.features.indexOf(name)] = { x: columnX(0) + size / 2,
          y: y + size / 2, right: columnX(0) + size, node };
      });
    }
    this.units.push(column0);

    // hidden layers and the output
    const sizes = [...hidden, outputs];
    sizes.forEach((n, h) => {
      const c = h + 1;
      const isOutput = h === hidden.length;
      const column = [];
      if (!isOutput) box.append(this.layerHeader(columnX(c) + size / 2, h, n));
      else {
        const title = element("div", { class: "layer-head", text: "output" });
        title.style.left = `${columnX(c) + size / 2}px`;
        box.append(title);
      }
      for (let j = 0; j < n; j += 1) {
        const y = HEADER + j * spacing;
        const node = element("div", { class: `unit ${isOutput ? "output" : "hidden"}`,
          "data-l": String(c), "data-j": String(j) });
        node.style.left = `${columnX(c)}px`;
        node.style.top = `${y}px`;
        node.style.width = node.style.height = `${size}px`;
        let canvas = null;
        if (plane && (!isOutput || n === 1)) {
          canvas = element("canvas", { width: 24, height: 24 });
          node.append(canvas);
        } else if (isOutput && data.classes) {
          const colour = CLASS_COLOURS[j % CLASS_COLOURS.length];
          node.style.borderColor = rgb(colour);
          const name = String(data.classes[j] ?? j);
          node.dataset.name = name;
          node.append(element("span", { class: "class-name", text: name.length <= 4 ? name : j }));
        }
        box.append(node);
        column.push({ x: columnX(c) + size / 2, y: y + size / 2, left: columnX(c),
          right: columnX(c) + size, node, canvas });
      }
      this.units.push(column);
    });

    // the weights: one path per w_ji, and a wide transparent one to hover and click
    this.links = [];
    for (let l = 1; l < this.units.length; l += 1) {
      const from = this.units[l - 1];
      const to = this.units[l];
      const layer = [];
      for (let j = 0; j < to.length; j += 1) {
        const row = [];
        for (let i = 0; i < from.length; i += 1) {
          const a = from[i];
          if (!a) { row.push(null); continue; }
          const b = to[j];
          const mid = (a.right + b.left) / 2;
          const d = `M${a.right},${a.y} C${mid},${a.y} ${mid},${b.y} ${b.left},${b.y}`;
          const path = svg("path", { d, class: "link" });
          lines.append(path);
          row.push(path);
        }
        layer.push(row);
      }
      this.links.push(layer);
    }
    const many = this.links.flat(2).length > 600;
    for (let l = 1; l < this.units.length; l += 1) {
      for (let j = 0; j < this.units[l].length; j += 1) {
        this.links[l - 1][j].forEach((path, i) => {
          if (!path) return;
          const hit = svg("path", { d: path.getAttribute("d"), class: "link-hit",
            "stroke-width": many ? 3 : 8, "data-l": l, "data-j": j, "data-i": i });
          lines.append(hit);
        });
      }
    }
    if (this.frame) this.update(this.frame);
    this.showDeltas(this.deltas);
  }

  layerHeader(x, h, n) {
    const head = element("div", { class: "layer-head", "data-layer": String(h + 1) });
    head.style.left = `${x}px`;
    const plus = element("button", { type: "button", class: "units-plus",
      "aria-label": `add a unit to hidden layer ${h + 1}`, text: "+" });
    const minus = element("button", { type: "button", class: "units-minus",
      "aria-label": `remove a unit from hidden layer ${h + 1}`, text: "−" });
    plus.disabled = n >= this.maxUnits;
    minus.disabled = n <= 1;
    plus.addEventListener("click", () => this.resize(h, n + 1));
    minus.addEventListener("click", () => this.resize(h, n - 1));
    head.append(element("div", { class: "buttons" }, [plus, minus]),
      element("span", { class: "units-count", text: `${n} unit${n === 1 ? "" : "s"}` }));
    return head;
  }

  resize(h, n) {
    const sizes = [...this.hidden];
    sizes[h] = n;
    this.handlers.editLayers(sizes);
  }

  /** Redraw what a frame changes: thumbnails, the output, the lines. */
  update(frame) {
    this.frame = frame;
    if (!this.units) return;
    frame.units?.forEach((layer, h) => {
      (this.units[h + 1] || []).forEach((unit, j) => {
        if (unit.canvas && layer.images[j]) drawUnit(unit.canvas, layer.images[j], layer.size,
          layer.range);
      });
    });
    const out = this.units[this.units.length - 1];
    if (out.length === 1 && out[0].canvas && frame.boundary?.class) {
      drawBoundary(out[0].canvas, frame.boundary, false);
    }
    if (this.digitCanvas && frame.probe) drawDigit(this.digitCanvas, frame.probe.x);
    this.fillUnits(frame);
    frame.layers.forEach((layer, k) => {
      const links = this.links[k];
      if (!links) return;
      layer.W.forEach((row, j) => row.forEach((w, i) => {
        const path = links[j]?.[i];
        if (!path) return;
        // written only when it changes: most lines move little from one frame to the next
        const finite = Number.isFinite(w);
        const look = finite ? `${w > 0 ? "+" : "-"}${width(w).toFixed(1)}` : "nan";
        if (path.look === look) return;
        path.look = look;
        path.setAttribute("stroke", finite ? (w > 0 ? POSITIVE_LINE : NEGATIVE_LINE) : "#999");
        path.setAttribute("stroke-width", finite ? width(w).toFixed(1) : "1");
        path.setAttribute("stroke-dasharray", finite ? "none" : "3 3");
      }));
    });
  }

  /**
   * Units without a picture show the probe example's a: hidden units on the diverging scale,
   * output classes in their colour as strong as their probability.
   */
  fillUnits(frame) {
    const probabilities = frame.probe?.probabilities;
    // inputs without a picture: the example's values (standardised: about −3 … 3)
    const x = frame.probe?.x || [];
    (this.units[0] || []).forEach((unit, i) => {
      if (unit?.node && !unit.node.querySelector("canvas") && Number.isFinite(x[i])) {
        unit.node.style.background = rgb(diverging(x[i] / 3));
      }
    });
    frame.layers.forEach((layer, k) => {
      const column = this.units[k + 1] || [];
      const isOutput = k === frame.layers.length - 1;
      const a = layer.a || [];
      const scale = Math.max(1e-12, ...a.filter(Number.isFinite).map(Math.abs));
      column.forEach((unit, j) => {
        if (unit.canvas) return;
        if (isOutput && probabilities && this.data.classes) {
          const colour = CLASS_COLOURS[j % CLASS_COLOURS.length];
          const p = Number.isFinite(probabilities[j]) ? probabilities[j] : 0;
          unit.node.style.background = `rgba(${colour.join(",")}, ${(0.08 + 0.8 * p).toFixed(3)})`;
        } else if (Number.isFinite(a[j])) {
          unit.node.style.background = rgb(diverging(a[j] / Math.max(scale, isOutput ? 1 : 0)));
        }
      });
    });
  }

  /**
   * The backward pass on the diagram: each unit of the layers given ({l: δ^(l)}) ringed in
   * orange, the ring's width ∝ |δ_j| (the largest of its layer 6 px); null clears the rings.
   */
  showDeltas(deltas) {
    this.deltas = deltas;
    (this.units || []).forEach((column, l) => column.forEach((unit) => {
      if (!unit?.node) return;
      const delta = deltas?.[l];
      if (!delta || !Number.isFinite(delta[unit.node.dataset.j])) {
        unit.node.style.boxShadow = "";
        unit.node.classList.remove("delta");
        return;
      }
      const largest = Math.max(1e-30, ...delta.filter(Number.isFinite).map(Math.abs));
      const width = 1 + 5 * Math.abs(delta[unit.node.dataset.j]) / largest;
      unit.node.style.boxShadow = `0 0 0 ${width.toFixed(1)}px rgba(245, 147, 34, 0.85)`;
      unit.node.classList.add("delta");
    }));
  }

  /** The hidden unit under the pointer ({l, j} or null): the output plane shows its picture. */
  setHovered(unit) {
    const same = unit && this.hovered && unit.l === this.hovered.l && unit.j === this.hovered.j;
    if (same || (!unit && !this.hovered)) return;
    this.hovered = unit;
    this.handlers.hoverUnit?.(unit);
  }

  hover(event) {
    const target = event.target;
    const over = target.closest?.(".unit.hidden");
    this.setHovered(over?.querySelector("canvas")
      ? { l: Number(over.dataset.l), j: Number(over.dataset.j) } : null);
    const frame = this.frame;
    const tip = this.tooltip;
    let lines = null;
    if (frame && target.classList?.contains("link-hit")) {
      const l = Number(target.dataset.l);
      const j = Number(target.dataset.j);
      const i = Number(target.dataset.i);
      const layer = frame.layers[l - 1];
      if (layer) {
        lines = [`${weightName(l, j, i)}: from unit ${i} of layer ${l - 1} to unit ${j} of layer ${l}`,
          `w = ${formatNumber(layer.W[j]?.[i])}`,
          `∂C/∂w = ${formatNumber(layer.dW[j]?.[i])} (the last step's batch)`,
          "click: its paths of influence"];
      }
    } else {
      const unit = target.closest?.(".unit");
      if (frame && unit) {
        const l = Number(unit.dataset.l);
        const j = Number(unit.dataset.j);
        if (l === 0) {
          const name = unit.dataset.name;
          lines = [`input ${featureLabel(name)}`];
          if (unit.dataset.feature) {
            lines.push(unit.classList.contains("off") ? "off: click to use it" : "click to leave it out");
          }
        } else {
          const layer = frame.layers[l - 1];
          const last = l === frame.layers.length;
          const name = unit.dataset.name ? ` (class ${unit.dataset.name})` : "";
          lines = [`${last ? "output" : "hidden"} unit ${j} of layer ${l}${name}`,
            `a = ${formatNumber(layer.a?.[j])}`,
            `δ = ∂C/∂z = ${formatNumber(layer.delta?.[j])}`,
            `b = ${formatNumber(layer.b?.[j])}`];
          if (frame.probe) lines.push(`for ${frame.probe.split} example ${frame.probe.index}`);
        }
      }
    }
    if (!lines) {
      tip.hidden = true;
      return;
    }
    tip.replaceChildren(...lines.map((text) => element("div", { text })));
    tip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    tip.style.left = `${x}px`;
    tip.style.top = `${event.clientY + 14}px`;
  }

  click(event) {
    const target = event.target;
    if (target.classList?.contains("link-hit")) {
      this.handlers.weight(Number(target.dataset.l), Number(target.dataset.j),
        Number(target.dataset.i));
      return;
    }
    const unit = target.closest?.(".unit.input");
    if (unit?.dataset.feature) this.handlers.toggleFeature(unit.dataset.feature);
  }
}
