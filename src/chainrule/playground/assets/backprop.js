// The backprop view: one example's backward pass, δ appearing layer by layer from the output
// back, each with its equation (MathML with the step's numbers), W and ∂C/∂W as heatmaps side
// by side; a click on a weight asks for its paths of influence.

import { element } from "./controls.js";
import { drawDigit, drawMatrix } from "./plane.js";
import { formatNumber } from "./chart.js";
import { weightName } from "./network.js";

const REVEAL_MS = 650;

const adopted = new Set();

/**
 * A fragment's style sheet (the explain document's), applied through the CSS object model:
 * the page's policy refuses inline <style>, not style sheets the page's own script builds.
 */
function adoptStyle(text) {
  if (adopted.has(text) || !("adoptedStyleSheets" in document)) return;
  adopted.add(text);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

/** The nodes of a trusted server fragment, without scripts, styles or handlers. */
export function fragment(html) {
  for (const match of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) adoptStyle(match[1]);
  // inline styles are refused by the page's policy: drop them before the parser meets them
  const text = html.replace(/<style[\s\S]*?<\/style>/gi, "")
    .replace(/\sstyle\s*=\s*("[^"]*"|'[^']*')/gi, "");
  const parsed = new DOMParser().parseFromString(`<body>${text}</body>`, "text/html");
  parsed.querySelectorAll("script, style, link, iframe, object, embed, base, meta")
    .forEach((node) => node.remove());
  for (const node of parsed.body.querySelectorAll("*")) {
    for (const attr of [...node.attributes]) {
      if (/^on/i.test(attr.name) || attr.name === "style") node.removeAttribute(attr.name);
    }
  }
  return [...parsed.body.childNodes].map((node) => document.importNode(node, true));
}

/** The explain document's step-throughs (its own script is not run: the page does it). */
function wireSteppers(root) {
  for (const box of root.querySelectorAll(".stepper")) {
    const frames = box.querySelectorAll(".frame");
    if (!frames.length) continue;
    const count = box.querySelector(".count");
    let current = 0;
    let timer = null;
    const show = (k) => {
      current = (k + frames.length) % frames.length;
      frames.forEach((f, n) => f.classList.toggle("current", n === current));
      if (count) count.textContent = `${current + 1} / ${frames.length}`;
    };
    box.classList.add("ready");
    box.querySelector(".prev")?.addEventListener("click", () => show(current - 1));
    box.querySelector(".next")?.addEventListener("click", () => show(current + 1));
    box.querySelector(".play")?.addEventListener("click", (event) => {
      if (timer) {
        clearInterval(timer);
        timer = null;
        event.target.textContent = "play";
      } else {
        timer = setInterval(() => show(current + 1), 1200);
        event.target.textContent = "pause";
      }
    });
    show(0);
  }
}

function cellSize(rows) {
  const height = rows.length;
  const width = rows[0]?.length || 1;
  return Math.max(3, Math.min(22, Math.floor(220 / width), Math.floor(220 / height)));
}

export class BackpropView {
  /** root: the panel; tooltip: the shared tooltip; explain(index, split, weight): ask. */
  constructor(root, tooltip, explain, onReveal = () => {}) {
    this.root = root;
    this.onReveal = onReveal; // called with {l: δ^(l)} of the layers shown so far
    this.tooltip = tooltip;
    this.explain = explain;
    this.steps = root.querySelector("#bp-steps");
    this.paths = root.querySelector("#bp-paths");
    this.document = root.querySelector("#bp-document");
    this.summary = root.querySelector("#bp-summary");
    this.split = root.querySelector("#bp-split");
    this.index = root.querySelector("#bp-index");
    this.next = root.querySelector("#bp-next");
    this.all = root.querySelector("#bp-all");
    this.message = null;
    this.revealed = 0;
    this.timer = null;
    root.querySelector("#bp-pick").addEventListener("submit", (event) => {
      event.preventDefault();
      this.explain(Number(this.index.value), this.split.value, null);
    });
    this.next.addEventListener("click", () => { this.stop(); this.reveal(this.revealed + 1); });
    this.all.addEventListener("click", () => { this.stop(); this.reveal(Infinity); });
    this.steps.addEventListener("click", (event) => this.clickMatrix(event));
    this.steps.addEventListener("mousemove", (event) => this.hoverMatrix(event));
    this.steps.addEventListener("mouseleave", () => { this.tooltip.hidden = true; });
  }

  /** Choose the example (its number and split) shown in the form. */
  choose(index, split) {
    this.index.value = String(index);
    this.split.value = split;
  }

  /** Forget the example shown; `classes` names the run's classes (null: a regression). */
  clear(classes = null, kind = null) {
    this.classes = classes;
    this.kind = kind;
    this.stop();
    this.message = null;
    this.onReveal(null);
    this.steps.replaceChildren();
    this.paths.replaceChildren();
    this.paths.hidden = true;
    this.document.replaceChildren();
    this.summary.textContent = "";
    this.root.classList.remove("has-steps");
  }

  /** A backprop message from the server. */
  show(message) {
    const sameExample = this.message && this.message.index === message.index &&
      this.message.split === message.split && message.weight;
    this.message = message;
    this.choose(message.index, message.split);
    this.root.classList.add("has-steps");
    const list = (v) => {
      const values = Array.isArray(v) ? v : [v];
      const shown = values.slice(0, 8).map(formatNumber).join(", ");
      return values.length > 8 ? `${shown}, … ${values.length} values` : shown;
    };
    const input = message.input ?? message.x;
    const label = this.classes && message.y?.length === 1 && Number.isInteger(message.y[0])
      ? this.classes[message.y[0]] : null;
    this.summary.textContent = `${message.split} example ${message.index}` +
      (message.step !== undefined ? ` at step ${message.step}` : "") +
      `: input (${list(input)}), target ` + (label ?? `(${list(message.y)})`);
    if (this.kind === "digits" && input.length === 64) {
      // the example as the picture it is
      const picture = element("canvas", { class: "bp-digit", width: 8, height: 8 });
      drawDigit(picture, input);
      this.summary.prepend(picture);
    }
    this.steps.dataset.x = JSON.stringify(message.x);
    this.steps.dataset.y = JSON.stringify(message.y);
    this.showPaths(message);
    if (sameExample && this.steps.children.length === message.steps.length) return;
    this.steps.replaceChildren(...message.steps.map((step, k) => this.stepNode(step, k)));
    this.document.replaceChildren(...fragment(message.html || ""));
    wireSteppers(this.document);
    this.stop();
    this.reveal(1);
    this.timer = setInterval(() => {
      this.reveal(this.revealed + 1);
      if (this.revealed >= message.steps.length) this.stop();
    }, REVEAL_MS);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Show the first n steps (from the output back). */
  reveal(n) {
    const steps = [...this.steps.children];
    this.revealed = Math.min(n, steps.length);
    steps.forEach((node, k) => node.classList.toggle("shown", k < this.revealed));
    this.next.disabled = this.revealed >= steps.length;
    this.all.disabled = this.revealed >= steps.length;
    const deltas = {};
    for (const step of (this.message?.steps || []).slice(0, this.revealed)) {
      deltas[step.layer] = step.delta;
    }
    this.onReveal(this.revealed ? deltas : null);
  }

  stepNode(step, k) {
    const l = step.layer;
    const node = element("article", { class: "bp-step", "data-layer": String(l),
      "data-delta": JSON.stringify(step.delta) });
    const title = k === 0 ? `layer ${l} (the output): δ from the cost` :
      `layer ${l}: δ carried back through W${l + 1}ᵀ`;
    node.append(element("h3", { text: title }));
    // the book's equations that give δ (σ'(z), Wᵀδ, …), the last one δ with its numbers
    const equations = step.equations?.length ? step.equations : [step.mathml].filter(Boolean);
    const equation = element("div", { class: "eq" }, equations.map((text, n) =>
      element("div", { class: n === equations.length - 1 ? "delta-eq" : "given-eq" },
        fragment(text))));
    const matrices = element("div", { class: "matrices" });
    for (const [name, rows, caption] of [["W", step.W, `W${l}`], ["dW", step.dW, `∂C/∂W${l}`]]) {
      if (!rows?.length) continue;
      const canvas = element("canvas", { class: `matrix-map ${name}`, "data-layer": String(l),
        "data-kind": name, title: "click a weight to see its paths of influence" });
      const cell = cellSize(rows);
      canvas.dataset.cell = String(cell);
      const scale = drawMatrix(canvas, rows, cell);
      matrices.append(element("figure", {}, [canvas,
        element("figcaption", { text: `${caption}  (|max| ${formatNumber(scale)})` })]));
    }
    node.append(element("div", { class: "step-body" }, [equation, matrices]));
    return node;
  }

  cellAt(event) {
    const canvas = event.target;
    if (!canvas.classList?.contains("matrix-map")) return null;
    const l = Number(canvas.dataset.layer);
    const step = this.message?.steps.find((s) => s.layer === l);
    if (!step) return null;
    const rect = canvas.getBoundingClientRect();
    const cell = Number(canvas.dataset.cell) * (rect.width / canvas.width);
    const j = Math.floor((event.clientY - rect.top) / cell);
    const i = Math.floor((event.clientX - rect.left) / cell);
    if (!step.W[j] || step.W[j][i] === undefined) return null;
    return { l, j, i, step };
  }

  hoverMatrix(event) {
    const at = this.cellAt(event);
    if (!at) {
      this.tooltip.hidden = true;
      return;
    }
    const { l, j, i, step } = at;
    this.tooltip.replaceChildren(
      element("div", { text: weightName(l, j, i) }),
      element("div", { text: `w = ${formatNumber(step.W[j][i])}` }),
      element("div", { text: `∂C/∂w = ${formatNumber(step.dW[j][i])} (this example)` }),
      element("div", { text: "click: its paths of influence" }));
    this.tooltip.hidden = false;
    this.tooltip.style.left = `${event.clientX + 14}px`;
    this.tooltip.style.top = `${event.clientY + 14}px`;
  }

  clickMatrix(event) {
    const at = this.cellAt(event);
    if (at && this.message) {
      this.explain(this.message.index, this.message.split, weightName(at.l, at.j, at.i));
    }
  }

  showPaths(message) {
    if (!message.weight) {
      this.paths.hidden = true;
      this.paths.replaceChildren();
      return;
    }
    this.paths.hidden = false;
    this.paths.dataset.weight = message.weight;
    const body = message.paths
      ? element("div", { class: "paths-body" }, fragment(message.paths))
      : element("p", { class: "note", text: message.paths_error || "no paths to show" });
    this.paths.replaceChildren(
      element("h3", { text: `The paths of influence of ${message.weight}` }), body);
    wireSteppers(this.paths);
  }
}
