// The live curves: loss (or accuracy) of train and test against the step, on a canvas.

const TRAIN = "#9aa0aa";
const TEST = "#1d2330";

/** Pixel-sharp canvas of the element's CSS size. */
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return ratio;
}

/**
 * rows: [[step, epoch, train_loss, test_loss, train_acc, test_acc], ...];
 * columns: [train column, test column]; fixed: a fixed [lo, hi] or null (from the data).
 */
export function drawChart(canvas, rows, columns, fixed) {
  const ratio = fitCanvas(canvas);
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const values = [];
  for (const row of rows) {
    for (const c of columns) if (Number.isFinite(row[c])) values.push(row[c]);
  }
  if (rows.length < 1 || values.length === 0) return;
  let [lo, hi] = fixed || [0, Math.max(...values)];
  if (!(hi > lo)) hi = lo + 1;
  const first = rows[0][0];
  const last = Math.max(rows[rows.length - 1][0], first + 1);
  const pad = 2 * ratio;
  const x = (step) => pad + (step - first) / (last - first) * (width - 2 * pad);
  const y = (v) => height - pad - (Math.min(v, hi) - lo) / (hi - lo) * (height - 2 * pad);
  // at most ~2 points a pixel: thin the rows for the drawing
  const stride = Math.max(1, Math.floor(rows.length / (width / ratio)));
  columns.forEach((c, k) => {
    context.strokeStyle = k === 0 ? TRAIN : TEST;
    context.lineWidth = 1.5 * ratio;
    context.beginPath();
    let started = false;
    for (let i = 0; i < rows.length; i += stride) {
      const v = rows[i][c];
      if (!Number.isFinite(v)) continue;
      if (started) context.lineTo(x(rows[i][0]), y(v));
      else context.moveTo(x(rows[i][0]), y(v));
      started = true;
    }
    const tail = rows[rows.length - 1];
    if (started && Number.isFinite(tail[c])) context.lineTo(x(tail[0]), y(tail[c]));
    context.stroke();
  });
  context.fillStyle = "#6b7385";
  context.font = `${10 * ratio}px system-ui, sans-serif`;
  context.textBaseline = "top";
  context.textAlign = "right";
  context.fillText(formatNumber(hi), width - pad, pad);
}

/** A number for the page: 3 significant digits, no exponent for ordinary sizes. */
export function formatNumber(v) {
  if (v === null || v === undefined) return "–";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** A metric beside its name: losses to 3 significant digits, accuracies to 3 decimals. */
export function formatMetric(v, accuracy) {
  if (v === null || v === undefined) return "–";
  if (!Number.isFinite(v)) return String(v);
  if (accuracy) return v.toFixed(3);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(3);
}
