// Colours and pictures of the plane: the output heatmap with its points, unit thumbnails,
// feature thumbnails, the 1-D regression curve and 8×8 digits. Canvas only.

/** Negative values orange, positive blue, zero white (TensorFlow Playground's scale). */
const NEGATIVE = [245, 147, 34];
const POSITIVE = [8, 119, 189];
const WHITE = [255, 255, 255];
/** Class colours: two classes are orange and blue as on the diverging scale. */
export const CLASS_COLOURS = [NEGATIVE, POSITIVE, [44, 160, 44], [148, 103, 189], [214, 39, 40],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

export function rgb([r, g, b]) {
  return `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
}

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** The colour of a value t in [-1, 1] on the diverging scale. */
export function diverging(t) {
  const clipped = Math.max(-1, Math.min(1, t));
  return clipped < 0 ? mix(WHITE, NEGATIVE, -clipped) : mix(WHITE, POSITIVE, clipped);
}

/** The bytes of a base64 text. */
export function bytes(base64) {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) out[i] = text.charCodeAt(i);
  return out;
}

const scratch = document.createElement("canvas");

/** Paint a size×size picture (colour(k) → [r,g,b] per pixel k) scaled onto `canvas`. */
function paint(canvas, size, colour, smooth = true) {
  scratch.width = size;
  scratch.height = size;
  const context = scratch.getContext("2d");
  const image = context.createImageData(size, size);
  for (let k = 0; k < size * size; k += 1) {
    const [r, g, b] = colour(k);
    image.data[4 * k] = r;
    image.data[4 * k + 1] = g;
    image.data[4 * k + 2] = b;
    image.data[4 * k + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = smooth;
  target.clearRect(0, 0, canvas.width, canvas.height);
  target.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/** A unit's thumbnail: bytes 0..255 standing for lo..hi, drawn on the diverging scale. */
export function drawUnit(canvas, image, size, [lo, hi]) {
  const pixels = bytes(image);
  const scale = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  paint(canvas, size, (k) => diverging((lo + (pixels[k] / 255) * (hi - lo)) / scale));
}

/** The output on the plane: each pixel its class colour, faded to white by its confidence. */
export function drawBoundary(canvas, boundary, discrete) {
  const classes = bytes(boundary.class);
  const confidence = bytes(boundary.confidence);
  const k = boundary.classes || 2;
  paint(canvas, boundary.size, (p) => {
    const colour = CLASS_COLOURS[classes[p] % CLASS_COLOURS.length];
    if (discrete) return mix(WHITE, colour, 0.75);
    // confidence 1/k (a guess) is white, 1 the full colour
    const floor = 1 / k;
    const t = Math.max(0, (confidence[p] / 255 - floor) / (1 - floor));
    return mix(WHITE, colour, 0.15 + 0.75 * t);
  });
}

/** The features of the 2-D sets, as functions of the raw inputs (for their thumbnails). */
export const FEATURES = {
  x1: { label: "x₁", f: (x, y) => x },
  x2: { label: "x₂", f: (x, y) => y },
  x1sq: { label: "x₁²", f: (x, y) => x * x },
  x2sq: { label: "x₂²", f: (x, y) => y * y },
  x1x2: { label: "x₁x₂", f: (x, y) => x * y },
  sinx1: { label: "sin x₁", f: (x, y) => Math.sin(x) },
  sinx2: { label: "sin x₂", f: (x, y) => Math.sin(y) },
};

export function featureLabel(name) {
  return FEATURES[name]?.label || name;
}

/** A feature's thumbnail over the extent [xmin, xmax, ymin, ymax] (first row = ymax). */
export function drawFeature(canvas, name, extent) {
  const feature = FEATURES[name];
  if (!feature) return;
  const size = 24;
  const [x0, x1, y0, y1] = extent;
  const values = new Float32Array(size * size);
  let scale = 0;
  for (let k = 0; k < size * size; k += 1) {
    const x = x0 + ((k % size) + 0.5) / size * (x1 - x0);
    const y = y1 - (Math.floor(k / size) + 0.5) / size * (y1 - y0);
    values[k] = feature.f(x, y);
    scale = Math.max(scale, Math.abs(values[k]));
  }
  paint(canvas, size, (k) => diverging(values[k] / (scale || 1)));
}

/** Canvas pixels of a point (x, y) on a canvas showing the extent. */
export function toCanvas(canvas, extent, x, y) {
  const [x0, x1, y0, y1] = extent;
  return [(x - x0) / (x1 - x0) * canvas.width, (y1 - y) / (y1 - y0) * canvas.height];
}

/**
 * The points on the plane: train filled, test outlined (drawn only when showTest).
 * `probe` ({split, index}) is ringed.
 */
export function drawPoints(canvas, data, showTest, probe) {
  const context = canvas.getContext("2d");
  const radius = Math.max(2.5, canvas.width / 110);
  const sets = showTest ? ["train", "test"] : ["train"];
  for (const split of sets) {
    const { x, y } = data[split];
    for (let i = 0; i < x.length; i += 1) {
      const [px, py] = toCanvas(canvas, data.extent, x[i][0], x[i][1]);
      const colour = rgb(CLASS_COLOURS[Number(y[i]) % CLASS_COLOURS.length]);
      context.beginPath();
      context.arc(px, py, radius, 0, 2 * Math.PI);
      if (split === "train") {
        context.fillStyle = colour;
        context.fill();
        context.lineWidth = 1;
        context.strokeStyle = "white";
        context.stroke();
      } else {
        context.fillStyle = colour;
        context.fill();
        context.lineWidth = 1.5;
        context.strokeStyle = "#222";
        context.stroke();
      }
    }
  }
  if (probe && data[probe.split]?.x[probe.index]) {
    const point = data[probe.split].x[probe.index];
    const [px, py] = toCanvas(canvas, data.extent, point[0], point[1]);
    context.beginPath();
    context.arc(px, py, radius + 5, 0, 2 * Math.PI);
    context.lineWidth = 2.5;
    context.strokeStyle = "#111";
    context.stroke();
  }
}

/** The nearest point to canvas pixel (cx, cy) within `reach` pixels: {split, index} or null. */
export function nearestPoint(canvas, data, showTest, cx, cy, reach = 12) {
  let best = null;
  let bestDistance = reach * reach;
  for (const split of showTest ? ["train", "test"] : ["train"]) {
    data[split].x.forEach((point, index) => {
      const [px, py] = data.kind === "line"
        ? lineToCanvas(canvas, data, point[0], data[split].y[index])
        : toCanvas(canvas, data.extent, point[0], point[1]);
      const d = (px - cx) ** 2 + (py - cy) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = { split, index };
      }
    });
  }
  return best;
}

/** The y range of a regression set, padded. */
export function lineRange(data) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const split of ["train", "test"]) {
    for (const v of data[split].y) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  const pad = (hi - lo) * 0.15 || 1;
  return [lo - pad, hi + pad];
}

export function lineToCanvas(canvas, data, x, y) {
  const [x0, x1] = data.extent;
  const [y0, y1] = data.yRange || (data.yRange = lineRange(data));
  return [(x - x0) / (x1 - x0) * canvas.width, (y1 - y) / (y1 - y0) * canvas.height];
}

/** The 1-D regression set: the points and the network's curve. */
export function drawLine(canvas, data, curve, showTest, probe) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#fbfbfb";
  context.fillRect(0, 0, canvas.width, canvas.height);
  // the axis y = 0
  const [, zero] = lineToCanvas(canvas, data, 0, 0);
  context.strokeStyle = "#ddd";
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(0, zero);
  context.lineTo(canvas.width, zero);
  context.stroke();
  const radius = Math.max(2.5, canvas.width / 120);
  for (const split of showTest ? ["train", "test"] : ["train"]) {
    const { x, y } = data[split];
    for (let i = 0; i < x.length; i += 1) {
      const [px, py] = lineToCanvas(canvas, data, x[i][0], y[i]);
      context.beginPath();
      context.arc(px, py, radius, 0, 2 * Math.PI);
      if (split === "train") {
        context.fillStyle = rgb(POSITIVE);
        context.fill();
      } else {
        context.lineWidth = 1.5;
        context.strokeStyle = rgb(NEGATIVE);
        context.stroke();
      }
    }
  }
  if (curve) {
    context.strokeStyle = "#222";
    context.lineWidth = 2.5;
    context.beginPath();
    curve.x.forEach((x, i) => {
      const [px, py] = lineToCanvas(canvas, data, x, curve.y[i]);
      if (i === 0) context.moveTo(px, py);
      else context.lineTo(px, py);
    });
    context.stroke();
  }
  if (probe && data[probe.split]?.x[probe.index]) {
    const [px, py] = lineToCanvas(canvas, data, data[probe.split].x[probe.index][0],
      data[probe.split].y[probe.index]);
    context.beginPath();
    context.arc(px, py, radius + 5, 0, 2 * Math.PI);
    context.lineWidth = 2.5;
    context.strokeStyle = "#111";
    context.stroke();
  }
}

/** An 8×8 digit (64 pixels in 0..1, dark = ink). */
export function drawDigit(canvas, pixels) {
  paint(canvas, 8, (k) => {
    const v = 255 * (1 - Math.max(0, Math.min(1, Number(pixels[k]) || 0)));
    return [v, v, v];
  }, false);
}

/** A matrix as a heatmap: cells on the diverging scale of its largest |value|. */
export function drawMatrix(canvas, rows, cell) {
  const height = rows.length;
  const width = rows[0]?.length || 0;
  canvas.width = Math.max(1, width * cell);
  canvas.height = Math.max(1, height * cell);
  let scale = 0;
  for (const row of rows) for (const v of row) scale = Math.max(scale, Math.abs(v));
  const context = canvas.getContext("2d");
  for (let j = 0; j < height; j += 1) {
    for (let i = 0; i < width; i += 1) {
      context.fillStyle = rgb(diverging(rows[j][i] / (scale || 1)));
      context.fillRect(i * cell, j * cell, cell, cell);
    }
  }
  if (cell >= 6) {
    context.strokeStyle = "rgba(0,0,0,0.12)";
    context.lineWidth = 1;
    for (let j = 0; j <= height; j += 1) {
      context.beginPath();
      context.moveTo(0, j * cell + 0.5);
      context.lineTo(width * cell, j * cell + 0.5);
      context.stroke();
    }
    for (let i = 0; i <= width; i += 1) {
      context.beginPath();
      context.moveTo(i * cell + 0.5, 0);
      context.lineTo(i * cell + 0.5, height * cell);
      context.stroke();
    }
  }
  return scale;
}
