"""The explain page of a network described by a query: a form (layers, activation, cost, the
example) and the explanation of its backward pass — the steps, the step-through of the δ
flowing back, the scalar paths, the Jacobians, the graph — every number from one trace per
request. The playground's server (``chainrule serve``) answers ``/explain`` with it:

    /explain              the page (the form, and the explanation of what it describes)
    /explain/trace.json   the same trace as JSON;   /explain/steps.txt   the steps as text

Query parameters: layers, activation, cost, input, target, seed, bias, weight, example.
"""

from __future__ import annotations

from html import escape
from http import HTTPStatus

from ...errors import ChainruleError, ConfigError
from ...nn import activation_names, parse_sizes
from ..document.html import render_fragment
from ..document.json_view import render_json
from ..document.model import Document, Note, Section
from ..document.text import render_text
from ..views.steps import steps_document
from .page import explain_document
from .problem import BOOK_NETWORK_OWN, book_example, network_example, parse_numbers

#: The largest network the page draws.
MAX_UNITS, MAX_LAYERS = 32, 8
ACTIVATIONS = tuple(activation_names(hidden=True, aliases=False))
COSTS = ("mse", "bce", "ce")
#: No fetch, no frame, no form elsewhere: the page only needs its own inline style and script.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _one(query: dict[str, list[str]], key: str, default: str = "") -> str:
    return query.get(key, [default])[0].strip()


def example_from_query(query: dict[str, list[str]]):
    """The example the page's form describes (the book's, when no layers are given)."""
    layers = _one(query, "layers")
    x, y = _one(query, "input") or None, _one(query, "target") or None
    if not layers:
        # the book's network is its own (3-4-1, sigmoid, no biases, its weights): a setting of
        # a fresh network is refused rather than ignored while the form shows it chosen
        for key, book in (("activation", "sigmoid"), ("cost", "mse"), ("seed", "0")):
            value = _one(query, key)
            if value not in ("", book):
                raise ConfigError(
                    f"{key} {value}: {BOOK_NETWORK_OWN}, so the setting would "
                    f"be ignored; give layers (e.g. 3,4,1) for a fresh network"
                )
        try:
            index = int(_one(query, "example", "0") or 0)
        except ValueError:
            raise ConfigError(
                "example: give the index of one of the book's examples, 0 … 3"
            ) from None
        example = book_example(index)
        if x is not None:
            example.x = parse_numbers(x, "input")
        if y is not None:
            example.y = parse_numbers(y, "target")
        return example
    sizes = parse_sizes(layers)
    if len(sizes) - 1 > MAX_LAYERS or max(sizes) > MAX_UNITS:
        raise ConfigError(
            f"the playground draws networks of at most {MAX_LAYERS} layers of "
            f"{MAX_UNITS} units; got {layers}"
        )
    activation = _one(query, "activation", "sigmoid")
    cost = _one(query, "cost", "mse")
    if activation not in ACTIVATIONS or cost not in COSTS:
        raise ConfigError(
            f"activation must be one of {', '.join(ACTIVATIONS)} and cost one of {', '.join(COSTS)}"
        )
    try:
        seed = int(_one(query, "seed", "0") or 0)
    except ValueError:
        raise ConfigError("seed: give a whole number") from None
    bias = _one(query, "bias", "on") not in ("", "off", "0", "false")
    return network_example(layers, activation, cost, x, y, seed, bias)


def _options(name: str, choices, current: str) -> str:
    items = "".join(
        f"<option{' selected' if c == current else ''}>{escape(c)}</option>" for c in choices
    )
    return f'<select name="{name}">{items}</select>'


def form_html(query: dict[str, list[str]]) -> str:
    def field(name, label, placeholder="", size=10):
        value = escape(_one(query, name))
        return (
            f'<label>{escape(label)}<input name="{name}" value="{value}" size="{size}" '
            f'placeholder="{escape(placeholder)}"></label>'
        )

    bias = _one(query, "bias", "on")
    return (
        '<form class="playground" method="get" action="/explain">'
        + field("layers", "layers", "the book's 3,4,1")
        + f"<label>activation{_options('activation', ACTIVATIONS, _one(query, 'activation', 'sigmoid'))}</label>"  # noqa: E501
        + f"<label>cost{_options('cost', COSTS, _one(query, 'cost', 'mse'))}</label>"
        + field("input", "input x", "0,0,1", 12)
        + field("target", "target y", "0", 8)
        + field("seed", "seed", "0", 4)
        + field("weight", "weight", "W1[1,2]", 9)
        + f'<label>bias<input type="checkbox" name="bias" value="on"'
        f"{' checked' if bias != 'off' else ''}></label>"
        + '<input type="hidden" name="bias" value="off">'  # read only when unchecked
        + '<button type="submit">explain</button></form>'
    )


def page(query: dict[str, list[str]]) -> tuple[int, str]:
    """(status, HTML) of the playground for ``query``."""
    form = form_html(query)
    try:
        example = example_from_query(query)
        trace = example.trace()
        document = explain_document(trace, weight=_one(query, "weight") or None)
        document.title = "chainrule playground: " + document.title
        document.facts.insert(0, ("showing", example.description))
        status = HTTPStatus.OK
    except ChainruleError as exc:
        document = Document(
            "chainrule playground",
            [],
            [Section("This network cannot be explained", [Note(str(exc), "fail")], "error")],
        )
        status = HTTPStatus.BAD_REQUEST
    body = render_fragment(document, before=form)
    return status, (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(document.title)}</title></head>"
        f"<body>{body}</body></html>\n"
    )


def data_route(name: str, query: dict[str, list[str]]) -> tuple[int, str, str]:
    """(status, body, media type) of ``trace.json`` or ``steps.txt`` for ``query``: the trace
    as JSON, or the steps as terminal text; 400 with one line for a query that cannot be
    explained."""
    try:
        trace = example_from_query(query).trace()
    except ChainruleError as exc:
        return HTTPStatus.BAD_REQUEST, f"error: {exc}\n", "text/plain"
    if name == "trace.json":
        return HTTPStatus.OK, render_json(trace), "application/json"
    return HTTPStatus.OK, render_text(steps_document(trace)), "text/plain"
