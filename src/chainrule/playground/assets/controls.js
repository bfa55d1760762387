// The settings controls, built from the server's SCHEMA (/settings.json), and the URL that
// holds them. Every control carries data-key = its SCHEMA key; values travel as strings.

/** Where each setting sits on the page; a key not named here goes to the top bar. */
export const PLACES = {
  data: "data", classes: "data", noise: "data", points: "data", test: "data", dataseed: "data",
  features: "features", layers: "layers",
};

const PLANE_SETS = new Set(["circles", "xor", "gauss", "spirals", "moons", "blobs"]);

/** Whether a setting means anything for the data set chosen (hidden otherwise, kept). */
const APPLIES = {
  classes: (s) => s.data === "blobs",
  noise: (s) => s.data !== "digits" && s.data !== "upload",
  points: (s) => s.data !== "digits" && s.data !== "upload",
  dataseed: (s) => s.data !== "upload",
  features: (s) => PLANE_SETS.has(s.data),
};

/** A settings object (strings) read from a query string: every key kept, known or not. */
export function readQuery(search) {
  const settings = {};
  let upload = null;
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === "upload") upload = value;
    else settings[key] = value;
  }
  return { settings, upload };
}

/** Put the server's normalised query in the address bar (no new history entry). */
export function writeQuery(query, upload) {
  const params = new URLSearchParams(query);
  if (upload) params.set("upload", upload);
  const text = params.toString().replace(/%2C/gi, ",");
  history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
}

function element(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}
export { element };

/** The settings drawn as sliders (bounded floats whose every value is as good as another). */
const SLIDERS = new Set(["noise", "test", "dropout"]);
/** The settings that are a share of 1, shown in percent beside their slider. */
const SHARES = new Set(["test", "dropout"]);

function isSlider(key, spec) {
  return SLIDERS.has(key) && spec.type === "float" && spec.min !== undefined &&
    spec.max !== undefined;
}

/** A slider's step: a round number, about a fiftieth of its range. */
function sliderStep(spec) {
  return 10 ** Math.floor(Math.log10((spec.max - spec.min) / 50));
}

function shown(key, value) {
  if (SHARES.has(key)) return `${Math.round(Number(value) * 100)}%`;
  return String(value);
}

/** One control for one SCHEMA entry. Returns {node, get, set}. */
function makeControl(key, spec, onChange) {
  const label = spec.label || key;
  const id = `ctl-${key}`;
  const wrap = element("div", { class: `control control-${spec.type}`, "data-key": key,
    title: spec.help || "" });
  let get, set;
  if (spec.type === "choice" && key === "data") {
    const group = element("div", { class: "choices", role: "radiogroup", "aria-label": label,
      id });
    const buttons = spec.choices.map((choice) =>
      element("button", { type: "button", class: "choice", "data-value": choice,
        role: "radio", "aria-checked": "false", text: choice }));
    group.append(...buttons);
    wrap.append(element("span", { class: "label", text: label }), group);
    let current = String(spec.default);
    set = (value) => {
      current = String(value);
      for (const b of buttons) {
        const on = b.dataset.value === current;
        b.classList.toggle("selected", on);
        b.setAttribute("aria-checked", String(on));
      }
    };
    get = () => current;
    group.addEventListener("click", (event) => {
      const button = event.target.closest("button.choice");
      if (!button || button.dataset.value === "upload") return; // upload: the file picker
      set(button.dataset.value);
      onChange(key);
    });
  } else if (spec.type === "choice") {
    const select = element("select", { id, name: key },
      spec.choices.map((c) => element("option", { value: c, text: c })));
    wrap.append(element("label", { for: id, class: "label", text: label }), select);
    get = () => select.value;
    set = (value) => { select.value = String(value); };
    select.addEventListener("change", () => onChange(key));
  } else if (spec.type === "list") {
    const box = element("fieldset", { id, class: "checks" }, [element("legend", { text: label })]);
    const checks = spec.choices.map((c) => {
      const input = element("input", { type: "checkbox", value: c, name: key });
      box.append(element("label", {}, [input, " " + c]));
      input.addEventListener("change", () => onChange(key));
      return input;
    });
    wrap.append(box);
    get = () => checks.filter((c) => c.checked).map((c) => c.value).join(",");
    set = (value) => {
      const on = new Set(String(value).split(",").filter(Boolean));
      for (const c of checks) c.checked = on.has(c.value);
    };
  } else if (isSlider(key, spec)) {
    const input = element("input", { id, name: key, type: "range", min: spec.min, max: spec.max,
      step: sliderStep(spec) });
    const out = element("output", { for: id, class: "value" });
    wrap.append(element("label", { for: id, class: "label", text: label }), input, out);
    get = () => input.value;
    set = (value) => { input.value = String(value); out.textContent = shown(key, value); };
    input.addEventListener("input", () => { out.textContent = shown(key, input.value); });
    input.addEventListener("change", () => onChange(key));
  } else {
    const numeric = spec.type === "int" || spec.type === "float";
    const input = element("input", { id, name: key, type: numeric ? "number" : "text",
      min: spec.min, max: spec.max, step: spec.type === "int" ? 1 : numeric ? "any" : undefined,
      inputmode: numeric ? "decimal" : undefined, spellcheck: "false" });
    wrap.append(element("label", { for: id, class: "label", text: label }), input);
    get = () => input.value.trim();
    set = (value) => { input.value = String(value); };
    input.addEventListener("change", () => onChange(key));
  }
  set(spec.default);
  return { node: wrap, get, set };
}

/**
 * Builds a control for each SCHEMA key into the containers of `places`
 * ({data, features, layers, top}: elements). onChange(key) fires on a user's change.
 */
export class Controls {
  constructor(schema, places, onChange) {
    this.schema = schema;
    this.controls = {};
    for (const [key, spec] of Object.entries(schema)) {
      const control = makeControl(key, spec, onChange);
      this.controls[key] = control;
      (places[PLACES[key]] || places.top).append(control.node);
    }
  }

  defaultOf(key) {
    const value = this.schema[key]?.default ?? "";
    return Array.isArray(value) ? value.join(",") : String(value);
  }

  /** The value shown by one control (a string), or undefined for an unknown key. */
  value(key) {
    return this.controls[key]?.get();
  }

  /** Every setting (strings), defaults included. */
  all() {
    const out = {};
    for (const key of Object.keys(this.controls)) out[key] = this.value(key);
    return out;
  }

  /**
   * The settings that differ from the defaults and apply to the data set chosen: what a
   * configure message carries (the features of a 2-D set mean nothing to the digits).
   */
  changed() {
    const all = this.all();
    const out = {};
    for (const [key, value] of Object.entries(all)) {
      if (APPLIES[key] && !APPLIES[key](all)) continue;
      if (value !== this.defaultOf(key)) out[key] = value;
    }
    return out;
  }

  /** Show these settings: keys absent take their default. */
  show(settings) {
    for (const [key, control] of Object.entries(this.controls)) {
      control.set(key in settings ? settings[key] : this.defaultOf(key));
    }
    this.refresh();
  }

  setValue(key, value) {
    this.controls[key]?.set(value);
    this.refresh();
  }

  /** Hide the settings that do not apply to the data set chosen. */
  refresh() {
    const all = this.all();
    for (const [key, control] of Object.entries(this.controls)) {
      control.node.hidden = APPLIES[key] ? !APPLIES[key](all) : false;
    }
  }

  /** Mark the control the server named in an error (null clears every mark). */
  markInvalid(field) {
    for (const [key, control] of Object.entries(this.controls)) {
      control.node.classList.toggle("invalid", key === field);
    }
  }
}
