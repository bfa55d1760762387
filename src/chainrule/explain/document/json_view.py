"""The trace as JSON, for scripts: every recorded array (as nested lists, in the code's
row-batch form), every check, the whole recorded graph, and the steps' equations as text and
LaTeX. Non-finite numbers become null (JSON has no NaN). An array of more than
:data:`MAX_LISTED` numbers is an object ``{"shape", "size", "min", "max", "mean", "note"}``
instead of a list.

The layout is versioned by ``"format": "chainrule.explain/1"``.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from ..record.trace import Trace
from .math_latex import latex
from .math_text import render_expr
from .model import Display, Document, Figure, Note, Prose, Table

FORMAT = "chainrule.explain/1"


#: Arrays with more numbers than this are summarised (shape, min, max, mean), not listed: a
#: trace keeps several arrays the size of the network, and JSON spends ~20 bytes a number.
MAX_LISTED = 100_000


def _array(values):
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float64)
    if array.size > MAX_LISTED:
        finite = array[np.isfinite(array)]
        return {
            "shape": list(array.shape),
            "size": int(array.size),
            "min": _clean(float(finite.min())) if finite.size else None,
            "max": _clean(float(finite.max())) if finite.size else None,
            "mean": _clean(float(finite.mean())) if finite.size else None,
            "note": f"{array.size:,} numbers, more than the {MAX_LISTED:,} listed per "
            f"array: summarised",
        }
    return _clean(array.tolist())


def _clean(value):
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _layer(layer) -> dict:
    prefix = layer.param_prefix
    return {
        "index": layer.index,
        "name": layer.name,
        "activation": layer.activation,
        "parameters": {"W": f"{prefix}.W", "b": f"{prefix}.b" if layer.b is not None else None},
        "shapes": {"W": list(layer.W.shape), "z": list(layer.z.shape)},
        "W": _array(layer.W),
        "b": _array(layer.b),
        "a_prev": _array(layer.a_prev),
        "z": _array(layer.z),
        "a": _array(layer.a),
        "grad_a": _array(layer.grad_a),
        "sigma_prime": _array(layer.sigma_prime),
        "delta": _array(layer.delta),
        "delta_recomputed": _array(layer.delta_expected),
        "grad_a_prev": _array(layer.grad_a_prev),
        "dW": _array(layer.dW),
        "db": _array(layer.db),
    }


def document_json(document: Document, precision: int) -> list[dict]:
    sections = []
    for section in document.sections:
        parts = []
        for part in section.parts:
            if isinstance(part, Display):
                parts.append(
                    {
                        "equation": render_expr(part.expr, precision).split("\n"),
                        "latex": latex(part.expr, precision),
                    }
                )
            elif isinstance(part, Prose):
                parts.append({"text": part.text})
            elif isinstance(part, Note):
                parts.append({"note": part.text, "kind": part.kind})
            elif isinstance(part, Table):
                parts.append({"table": {"headers": part.headers, "rows": part.rows}})
            elif isinstance(part, Figure) and part.text:
                parts.append({"figure": part.caption, "text": part.text.split("\n")})
        sections.append({"title": section.title, "key": section.key, "parts": parts})
    return sections


def trace_json(trace: Trace, document: Document | None = None, precision: int = 4) -> dict:
    """The trace (and, if given, a document's sections) as plain JSON-ready data."""
    cost = trace.cost_record
    data = {
        "format": FORMAT,
        "network": trace.describe(),
        "supported": trace.supported,
        "note": trace.note,
        "dtype": str(trace.x.dtype),
        "x": _array(trace.x),
        "output": _array(trace.output),
        "C": _clean(float(trace.value)),
        "grad_x": _array(trace.grad_x),
        "cost": None
        if cost is None
        else {
            "name": cost.name,
            "description": cost.description,
            "reduction": cost.reduction,
            "scale": cost.scale,
            "value": _clean(cost.value),
            "y": _array(cost.y),
            "Y": _array(cost.Y),
            "fused_with": cost.fused_with,
            "grad_a": _array(cost.grad_a),
            "grad_a_recomputed": _array(cost.grad_a_expected),
        },
        "layers": [_layer(layer) for layer in trace.layers],
        "checks": [
            {
                "name": c.name,
                "equation": c.equation,
                "error": _clean(c.error),
                "tolerance": _clean(c.tolerance),
                "ok": c.ok,
            }
            for c in trace.checks
        ],
        "all_checks_pass": trace.ok,
        "graph": {
            "root": trace.graph.root,
            "nodes": [
                {
                    "key": n.key,
                    "label": n.label,
                    "op": n.op,
                    "kind": n.kind,
                    "shape": list(n.shape),
                    "value": _array(n.value),
                    "grad": _array(n.grad),
                    "parents": list(n.parents),
                    "where": n.where,
                }
                for n in trace.graph.nodes
            ],
        },
    }
    if document is not None:
        data["sections"] = document_json(document, precision)
    return data


def dumps(data) -> str:
    """JSON text, indented, with each innermost list of numbers on one line."""
    compact: dict[str, str] = {}

    def mark(value):
        if (
            isinstance(value, list)
            and value
            and all(
                v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                for v in value
            )
        ):
            key = f"@@chainrule-list-{len(compact)}@@"
            compact[key] = json.dumps(value, allow_nan=False)
            return key
        if isinstance(value, list):
            return [mark(v) for v in value]
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        return value

    text = json.dumps(mark(data), ensure_ascii=False, indent=1, allow_nan=False)
    # one pass over the text (a replace per list would be quadratic in the trace's size)
    text = re.sub(r'"(@@chainrule-list-\d+@@)"', lambda m: compact[m.group(1)], text)
    return text + "\n"


def render_json(trace: Trace, document: Document | None = None, precision: int = 4) -> str:
    return dumps(trace_json(trace, document, precision))
