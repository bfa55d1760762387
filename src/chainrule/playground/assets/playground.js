// The playground page: builds its controls from /settings.json, keeps the configuration in the
// address bar, talks to the server over one WebSocket (one run per connection) and draws the
// latest frame only, once per animation frame, so that the page stays responsive in training.

import { Controls, element, readQuery, writeQuery } from "./controls.js";
import {
  drawBoundary, drawDigit, drawLine, drawPoints, drawUnit, nearestPoint,
} from "./plane.js";
import { drawChart, fitCanvas, formatMetric, formatNumber } from "./chart.js";
import { NetworkView, weightName } from "./network.js";
import { BackpropView } from "./backprop.js";

const NEW_LAYER_UNITS = 2;
const GALLERY = 40;

const $ = (id) => document.getElementById(id);

const state = {
  socket: null,
  run: null,
  data: null,
  frame: null, // the latest frame received
  history: [],
  playing: false,
  upload: null,
  retry: 0,
  scheduled: 0,
  first: null, // the settings of the address bar, sent as they are the first time
  hovered: null, // the hidden unit under the pointer ({l, j}): the plane shows its picture
  lastError: null, // the server's last error, kept to say why a connection closed
  asked: false, // a backprop asked for and not answered yet
  reported: null, // the step whose chainrule eval report was asked for
  reportTimer: 0,
};

let controls;
let maxLayers = 6;
let maxUnits = 16;
let network;
let backprop;

function send(message) {
  if (state.socket?.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

function showMessage(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

function setPlaying(playing) {
  state.playing = playing;
  const button = $("play");
  button.textContent = playing ? "❚❚" : "▶";
  button.title = playing ? "pause" : "play";
  button.setAttribute("aria-label", playing ? "pause" : "play");
  button.classList.toggle("playing", playing);
  document.body.classList.toggle("training", playing);
}

/** A new run from the controls (reset = the same settings again). */
function configure() {
  const settings = state.first ?? controls.changed();
  state.first = null;
  const message = { type: "configure", settings };
  if (settings.data === "upload" && state.upload) message.upload = state.upload;
  send(message);
  setPlaying(false);
}

function hiddenSizes() {
  const text = controls.value("layers") ?? "";
  return text.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
}

function editLayers(sizes) {
  controls.setValue("layers", sizes.join(","));
  configure();
}

function onReady(message) {
  state.lastError = null;
  state.run = message.run;
  state.data = message.data;
  state.history = [];
  controls.show(message.settings);
  controls.markInvalid(null);
  showMessage("");
  writeQuery(message.query, message.settings.data === "upload" ? state.upload : null);
  const base = `/runs/${encodeURIComponent(message.run)}/`;
  $("export-checkpoint").href = base + "checkpoint.npz";
  $("export-data").href = base + "data.csv";
  $("export-snippet").href = base + "snippet.py";
  document.body.dataset.run = message.run;
  delete document.body.dataset.step;
  document.body.dataset.kind = message.data.kind;
  document.body.dataset.task = message.data.task;
  const sizes = hiddenSizes();
  $("layer-count").textContent =
    `${sizes.length} hidden layer${sizes.length === 1 ? "" : "s"}`;
  $("add-layer").disabled = sizes.length >= maxLayers;
  $("remove-layer").disabled = sizes.length === 0;
  $("network-title").textContent = message.data.kind === "plane" ? "Features" : "Network";
  $("stopped").hidden = true;
  $("eval-report").hidden = true;
  state.reported = null;
  backprop.clear(message.data.classes, message.data.kind);
  buildGallery(message.data);
  network.signature = "";
}

function onFrame(message) {
  const { from, rows } = message.history || { from: 0, rows: [] };
  if (from === 0) state.history = rows.slice();
  else {
    if (from < state.history.length) state.history.length = from;
    for (const row of rows) state.history.push(row);
  }
  state.frame = message;
  if (message.stopped && state.playing) setPlaying(false);
  schedule();
}

function onError(message) {
  state.lastError = message.message;
  // the setting at fault: the server's field, or the one its message names ("setting 'lr': …")
  const named = /^setting '([a-z0-9_]+)'/i.exec(message.message ?? "");
  controls.markInvalid(message.field ?? named?.[1] ?? null);
  showMessage(message.message);
  if (state.asked) {
    state.asked = false;
    $("bp-error").textContent = message.message;
    $("bp-error").hidden = false;
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws`);
  state.socket = socket;
  socket.addEventListener("open", () => {
    state.retry = 0;
    document.body.classList.add("connected");
    configure();
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "ready") onReady(message);
    else if (message.type === "frame") onFrame(message);
    else if (message.type === "backprop") {
      state.asked = false;
      backprop.show(message);
    }
    else if (message.type === "error") onError(message);
  });
  socket.addEventListener("close", () => {
    document.body.classList.remove("connected");
    if (state.socket !== socket) return;
    setPlaying(false);
    const wait = Math.min(10, 2 ** state.retry);
    state.retry += 1;
    const why = state.lastError ? `${state.lastError} — ` : "";
    showMessage(`${why}the connection to the server closed; trying again in ${wait} s.`,
      "warning");
    setTimeout(connect, wait * 1000);
  });
}

/** Draw on the next animation frame: only the latest frame, never a queue of them. */
function schedule() {
  if (!state.scheduled) state.scheduled = requestAnimationFrame(render);
}

function setMetric(id, value) {
  const out = $(id);
  out.dataset.value = value === null || value === undefined ? "" : String(value);
  out.textContent = formatMetric(value, id.endsWith("accuracy"));
}

function render() {
  state.scheduled = 0;
  const frame = state.frame;
  const data = state.data;
  if (!frame || !data) return;
  $("epoch").textContent = frame.epoch.toFixed(frame.epoch < 10 ? 2 : 1);
  $("steps").textContent = String(frame.step);
  document.body.dataset.step = String(frame.step);
  setMetric("test-loss", frame.loss.test);
  setMetric("train-loss", frame.loss.train);
  setMetric("test-accuracy", frame.accuracy.test);
  setMetric("train-accuracy", frame.accuracy.train);
  document.body.classList.toggle("has-accuracy", frame.accuracy.test !== null);
  drawChart($("loss-chart"), state.history, [2, 3], null);
  drawChart($("accuracy-chart"), state.history, [4, 5], [0, 1]);

  const hidden = frame.layers.slice(0, -1).map((layer) => layer.W.length);
  const outputs = frame.layers.at(-1)?.W.length ?? 0;
  const signature = JSON.stringify([data.kind, data.features, hidden, outputs,
    $("network").clientWidth]);
  if (signature !== network.signature) {
    // the features of a generated 2-D set are squares a click turns on and off
    const toggles = data.kind === "plane" && controls.value("data") !== "upload";
    network.layout(data, toggles ? controls.schema.features?.choices ?? null : null, hidden,
      outputs);
  }
  network.update(frame);
  drawOutput(frame, data);

  const stopped = $("stopped");
  stopped.hidden = !frame.stopped;
  stopped.textContent = frame.stopped ? `Stopped: ${frame.stopped}` : "";
  state.drawn = frame;
  scheduleReport(frame);
}

/** While training rests: what `chainrule eval` will print for the exported files (its own
 * test part of data.csv, not the page's test set), as eval prints its numbers. */
function scheduleReport(frame) {
  if (state.playing || frame.step === state.reported) return;
  state.reported = frame.step;
  clearTimeout(state.reportTimer);
  const run = state.run;
  state.reportTimer = setTimeout(async () => {
    let report;
    try {
      const response = await fetch(`/runs/${encodeURIComponent(run)}/report.json`);
      if (!response.ok) return;
      report = await response.json();
    } catch {
      return; // the run was released or the server has gone: nothing to say
    }
    if (run !== state.run) return;
    const seen = report.eval ?? {};
    const box = $("eval-report");
    if (seen.error) {
      box.textContent = `chainrule eval on these files: ${seen.error}`;
    } else {
      const fixed = (v, digits) => (Number.isFinite(v) ? v.toFixed(digits) : "not finite");
      const score = "accuracy" in seen
        ? `accuracy ${fixed(seen.accuracy, 4)}` : `R² ${fixed(seen.r2, 4)}`;
      box.textContent = `chainrule eval checkpoint.npz --data data.csv prints loss ` +
        `${fixed(seen.loss, 6)}, ${score}: on its own test part of data.csv ` +
        `(${seen.examples} rows, ${Math.round(seen.test_size * 100)}% drawn from seed ` +
        `${seen.seed}), not the page's test set.`;
    }
    box.dataset.step = String(frame.step);
    box.hidden = false;
  }, 300);
}

function drawOutput(frame, data) {
  const canvas = $("output-canvas");
  const showTest = $("show-test").checked;
  const probe = frame.probe;
  canvas.hidden = !(data.kind === "plane" || data.kind === "line");
  $("digit-view").hidden = data.kind !== "digits";
  const unit = state.hovered && frame.units?.[state.hovered.l - 1];
  $("output-view").classList.toggle("showing-unit", Boolean(unit));
  if (data.kind === "plane") {
    if (unit) {
      // the hovered hidden unit's own picture, large: a^(l)_j over the plane
      drawUnit(canvas, unit.images[state.hovered.j], unit.size, unit.range);
    } else if (frame.boundary?.class) {
      drawBoundary(canvas, frame.boundary, $("discretize").checked);
    } else blank(canvas); // weights that are no longer finite draw no boundary
    drawPoints(canvas, data, showTest, probe);
  } else if (data.kind === "line") {
    drawLine(canvas, data, frame.boundary?.curve, showTest, probe);
  } else if (data.kind === "digits" && probe) {
    drawDigit($("digit-canvas"), probe.x);
    for (const item of $("digit-gallery").children) {
      item.classList.toggle("selected",
        probe.split === "test" && Number(item.dataset.index) === probe.index);
    }
    $("digit-caption").textContent = `${probe.split} example ${probe.index}: ` +
      `predicted ${className(data, probe.predicted)}, label ${className(data, probe.y)}`;
  }
  if (unit) {
    $("probe-caption").textContent = `The plane shows a of hidden unit ${state.hovered.j} of ` +
      `layer ${state.hovered.l}; move off the unit to see the output again.`;
  } else if (probe) {
    const output = probe.output.map(formatNumber).join(", ");
    $("probe-caption").textContent = `Hovered numbers are for ${probe.split} example ` +
      `${probe.index}: output (${output}), predicted ${className(data, probe.predicted)}, ` +
      `target ${className(data, probe.y)}.`;
  }
}

/** A class by its name (a regression's value as a number). */
function className(data, value) {
  if (data.classes && Number.isInteger(value)) return data.classes[value] ?? String(value);
  return formatNumber(value);
}

function blank(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#e9eaee";
  context.fillRect(0, 0, canvas.width, canvas.height);
}

function buildGallery(data) {
  const gallery = $("digit-gallery");
  gallery.replaceChildren();
  if (data.kind !== "digits") return;
  data.test.x.slice(0, GALLERY).forEach((pixels, index) => {
    const canvas = element("canvas", { width: 8, height: 8, "data-index": String(index),
      title: `test example ${index} (label ${data.test.y[index]})` });
    drawDigit(canvas, pixels);
    gallery.append(canvas);
  });
}

/** Look at one example: its a and δ in the frames; its backward pass when paused. */
function chooseExample(index, split) {
  send({ type: "probe", index, split });
  backprop.choose(index, split);
  if (state.playing) {
    showMessage("Pause to walk this example's backward pass.", "info");
    return;
  }
  explain(index, split, null);
}

function explain(index, split, weight) {
  if (state.playing) {
    send({ type: "pause" });
    setPlaying(false);
  }
  send({ type: "backprop", index, split, weight });
  state.asked = true; // an error before the answer is the backprop's: shown in its panel too
  $("bp-error").hidden = true;
  const panel = $("backprop");
  if (panel.getBoundingClientRect().top > window.innerHeight - 80) {
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
  }
}

function clickOutput(event) {
  const data = state.data;
  if (!data || !(data.kind === "plane" || data.kind === "line")) return;
  const canvas = event.currentTarget;
  const rect = canvas.getBoundingClientRect();
  const cx = (event.clientX - rect.left) * canvas.width / rect.width;
  const cy = (event.clientY - rect.top) * canvas.height / rect.height;
  const found = nearestPoint(canvas, data, $("show-test").checked, cx, cy,
    14 * canvas.width / rect.width);
  if (found) chooseExample(found.index, found.split);
}

async function upload(file) {
  const error = $("upload-error");
  const note = $("upload-note");
  error.hidden = true;
  note.hidden = true;
  let answer;
  let body;
  try {
    answer = await fetch(`/upload?name=${encodeURIComponent(file.name)}`, {
      method: "POST", body: await file.arrayBuffer(), headers: { "Content-Type": "text/csv" },
    });
    body = await answer.json();
  } catch (exc) {
    error.textContent = `${file.name}: the upload failed (${exc.message})`;
    error.hidden = false;
    return;
  }
  if (!answer.ok || !body.upload) {
    // the server's own words: they name the file, the line and the column
    error.textContent = body.error || `${file.name}: the server answered ${answer.status}`;
    error.hidden = false;
    return;
  }
  state.upload = body.upload;
  const parts = [`${body.rows} rows`, `${body.columns} columns`];
  parts.push(body.classes ? `classes ${body.classes.join(", ")}` : "a regression target");
  note.textContent = `${body.name ?? file.name}: ${parts.join(", ")}`;
  note.hidden = false;
  controls.setValue("data", "upload");
  // a column of numbers to predict is a regression: its cost is ½‖a − y‖²
  if (!body.classes && controls.value("cost") !== "mse") controls.setValue("cost", "mse");
  configure();
}

function wire() {
  $("play").addEventListener("click", () => {
    if (state.playing) {
      send({ type: "pause" });
      setPlaying(false);
    } else {
      if (state.frame?.stopped) return showMessage(`Stopped: ${state.frame.stopped}. ` +
        "Reset, or change a stop condition, to train on.", "info");
      send({ type: "play" });
      setPlaying(true);
      network.showDeltas(null); // the weights move on: that backward pass is history
      showMessage("");
    }
  });
  $("step").addEventListener("click", () => {
    if (state.playing) send({ type: "pause" });
    setPlaying(false);
    send({ type: "step", count: 1 });
  });
  $("reset").addEventListener("click", () => configure());
  $("regenerate").addEventListener("click", () => {
    const seed = Number(controls.value("dataseed") || 0) + 1;
    controls.setValue("dataseed", String(seed));
    configure();
  });
  $("add-layer").addEventListener("click", () => {
    const sizes = hiddenSizes();
    if (sizes.length < maxLayers) editLayers([...sizes, NEW_LAYER_UNITS]);
  });
  $("remove-layer").addEventListener("click", () => {
    const sizes = hiddenSizes();
    if (sizes.length > 0) editLayers(sizes.slice(0, -1));
  });
  $("upload-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (file) upload(file);
  });
  $("data-place").querySelector('[data-value="upload"]')?.addEventListener("click", () => {
    if (state.upload) {
      controls.setValue("data", "upload");
      configure();
    } else $("upload-file").click();
  });
  $("output-canvas").addEventListener("click", clickOutput);
  $("digit-gallery").addEventListener("click", (event) => {
    const index = event.target.dataset?.index;
    if (index !== undefined) chooseExample(Number(index), "test");
  });
  for (const id of ["show-test", "discretize"]) $(id).addEventListener("change", schedule);
  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      network.signature = "";
      schedule();
    }, 150);
  });
}

async function start() {
  let schema;
  try {
    const answer = await fetch("/settings.json");
    schema = await answer.json();
  } catch (exc) {
    showMessage(`Cannot read the settings from the server: ${exc.message}`);
    return;
  }
  maxLayers = schema.layers?.max_layers ?? maxLayers;
  maxUnits = schema.layers?.max_units ?? maxUnits;
  const tooltip = $("tooltip");
  controls = new Controls(schema, {
    data: $("data-place"), features: $("features-place"), layers: $("layers-place"),
    top: $("top-place"),
  }, () => {
    controls.refresh();
    configure();
  });
  network = new NetworkView($("network"), tooltip, maxUnits, {
    toggleFeature(name) {
      const on = new Set((controls.value("features") || "").split(",").filter(Boolean));
      if (on.has(name)) on.delete(name);
      else on.add(name);
      const order = schema.features?.choices ?? [...on];
      controls.setValue("features", order.filter((f) => on.has(f)).join(","));
      configure();
    },
    editLayers(sizes) {
      editLayers(sizes.map((n) => Math.max(1, Math.min(maxUnits, n))));
    },
    hoverUnit(unit) {
      state.hovered = unit;
      schedule();
    },
    weight(l, j, i) {
      const probe = state.frame?.probe ?? { index: 0, split: "train" };
      explain(probe.index, probe.split, weightName(l, j, i));
    },
  });
  backprop = new BackpropView($("backprop"), tooltip, explain,
    (deltas) => network.showDeltas(deltas));
  const { settings, upload: uploaded } = readQuery(location.search);
  state.upload = uploaded;
  controls.show(settings);
  state.first = settings;
  wire();
  connect();
  fitCanvas($("loss-chart"));
}

start();
