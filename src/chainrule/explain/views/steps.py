"""The book's backward pass as a document: the forward values, then Step 1, 2, 3 from the
output back to the input, each equation written in symbols and then with the trace's numbers.

    Step 1  the error at the output     δ_L = ∇_a C ⊙ σ'(z_L)
    Step 2  the error carried back      δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(z_l),  l = L−1 … 1
    Step 3  the gradients and the step  ∂C/∂W_l = δ_l a_{l−1}ᵀ,  ∂C/∂b_l = δ_l,
                                        W_l ← W_l − η ∂C/∂W_l

Every equation appears twice: in the book's column form (one example, z = W a + b) and in the
code's row-batch form (Z = A Wᵀ + b, Δ = ∂C/∂Z with a row per example, ∂C/∂W = Δᵀ A). Every
number is read from the trace; σ'(z) is evaluated from the recorded a and z by the book's
formula, which is also what the trace's check uses.
"""

from __future__ import annotations

import numpy as np

from ...errors import ConfigError
from ...nn import activation_class
from ..document.expr import Frac, Group, Num, Partial, Seq, Words, call, col, eq, paren, seq
from ..document.expr import M as mat
from ..document.expr import S as sym
from ..document.model import Display, Document, Note, Prose, Section, Table
from ..document.text import render_text
from ..record.forms import softmax_rows
from ..record.notation import format_number, format_vector, sub
from ..record.trace import DISPLAYS, LayerRecord, Trace


def grad_a(batch: bool = False, layer: int = 0):
    """∇ₐC (column form) or ∂C/∂A_L (row form)."""
    return Partial(sym("C"), sym("A", layer)) if batch else seq(sym("∇", "a"), "C")


def sigma_prime(layer: LayerRecord, batch: bool = False) -> Seq:
    return call("σ'", sym("Z" if batch else "z", layer.index))


def prime_formula(layer: LayerRecord, batch: bool = False):
    """σ'(z_l) in terms of the layer's values, as the book writes it (for an activation
    without a drawn formula, the text its layer class states)."""
    a = sym("A" if batch else "a", layer.index)
    z = sym("Z" if batch else "z", layer.index)
    return {
        "sigmoid": lambda: seq(a, "⊙", paren(1, "−", a)),
        "tanh": lambda: seq(1, "−", a, "⊙", a),
        "relu": lambda: Group(seq(z, ">", 0), "[", "]"),
        "identity": lambda: Num(1.0),
    }.get(layer.activation, lambda: Words(layer.form.prime_text))()


class StepsWriter:
    """Builds the document; ``e`` is the example shown in column form."""

    def __init__(self, trace: Trace, example: int = 0, lr: float = 1.0):
        if not 0 <= example < trace.batch:
            raise ConfigError(
                f"example {example} does not exist; the batch has examples 0 … {trace.batch - 1}"
            )
        self.t = trace
        self.e = example
        self.lr = lr
        self.L = len(trace.layers)

    # -- values ------------------------------------------------------------------------------
    def c(self, rows: np.ndarray):
        """Example e of a (batch, n) array, as the book's column."""
        return col(rows[self.e])

    def batch_note(self) -> str:
        return "" if self.t.batch == 1 else f" (example {self.e} of {self.t.batch})"

    # -- sections ----------------------------------------------------------------------------
    def forward(self) -> Section:
        section = Section("Forward pass: the values backprop reuses", key="forward")
        section.add(
            Prose(
                "Each layer computes z = W a + b, then a = σ(z); a₀ is the input x. "
                "The backward pass below reuses every one of these values."
            )
        )
        book, code = [], []
        for layer in self.t.layers:
            l = layer.index
            W, a_prev = sym("W", l), sym("a", l - 1)
            rhs = [seq(W, a_prev)]
            nums = [seq(mat(layer.W), self.c(layer.a_prev))]
            crhs = [seq(sym("A", l - 1), sym("W", l, "T"))]
            cnums = [seq(mat(layer.a_prev), mat(layer.W.T))]
            if layer.b is not None:
                rhs.append(sym("b", l))
                nums.append(col(layer.b))
                crhs.append(sym("b", l))
                cnums.append(mat(layer.b[np.newaxis, :]))
            book.append(eq(sym("z", l), _plus(rhs), _plus(nums), self.c(layer.z)))
            code.append(eq(sym("Z", l), _plus(crhs), _plus(cnums), mat(layer.z)))
            if layer.activation != "identity":
                f = activation_class(layer.activation).symbol
                book.append(eq(sym("a", l), call(f, sym("z", l)), self.c(layer.a)))
                code.append(eq(sym("A", l), call(f, sym("Z", l)), mat(layer.a)))
            else:
                book.append(eq(sym("a", l), sym("z", l)))
                code.append(eq(sym("A", l), sym("Z", l)))
        section.add(
            Prose("Book, one example as a column vector" + self.batch_note() + ":"),
            *map(Display, book),
            Prose("Code, the batch as rows (Z = A Wᵀ + b):"),
            *map(Display, code),
            Display(self._cost_equation()),
        )
        return section

    def _cost_equation(self):
        """The cost as an equation in the book's symbols, with the numbers where one example
        makes them short: C = ½‖a_L − y‖² = …, C = −Σ y ln p_L = −ln p_L[k] = …, or the
        binary cross-entropy; every format draws it (MathML, LaTeX, text)."""
        cost = self.t.cost_record
        last = self.t.layers[-1]
        L, one = last.index, self.t.batch == 1
        a, y = sym("a", L), sym("y")
        half = Frac(Num(1), Num(2))
        numbers = None
        if cost.name == "mse":
            formula = seq(half, Group(seq(a, "−", y), "‖", "‖", "2"))
            if one:
                numbers = seq(half, Group(seq(self.c(last.a), "−", self.c(cost.Y)), "‖", "‖", "2"))
        elif cost.name == "ce":
            p = sym("p", L)
            formula = seq(sym("−Σ"), y, call("ln", p))
            labels = np.flatnonzero(cost.Y[self.e])
            if one and labels.size == 1 and cost.Y[self.e, labels[0]] == 1:  # one-hot y
                prob = last.a if last.activation == "softmax" else softmax_rows(last.z)
                k = int(labels[0])
                numbers = [call("−ln", sym("p", L, index=k)), call("−ln", prob[self.e, k])]
        elif cost.name == "bce":
            formula = seq(
                sym("−Σ"),
                Group(
                    seq(y, call("ln", a), "+", paren(1, "−", y), call("ln", seq(1, "−", a))),
                    "[",
                    "]",
                ),
            )
        else:
            return eq(sym("C"), Words(cost.form.text.removeprefix("C = ")), Num(cost.value))
        if not one:  # a sum (or mean) over the examples of the batch too
            formula = seq(sym("Σ", "", "", ""), Words("over examples"), Group(formula))
        if cost.scale != 1.0:
            formula = seq(Frac(Num(1), Num(round(1 / cost.scale))), formula)
        sides = numbers if isinstance(numbers, list) else [numbers]
        return eq(sym("C"), formula, *sides, Num(cost.value))

    def step1(self) -> Section:
        last = self.t.layers[-1]
        L = last.index
        cost = self.t.cost_record
        title = f"Step 1 · the error at the output layer: δ{sub(L)} = ∇ₐC ⊙ σ'(z{sub(L)})"
        section = Section(title, key="step1")
        section.add(
            Prose(
                f"δ{sub(L)} = ∂C/∂z{sub(L)} is how fast the cost changes as each "
                f"output z moves: the cost's slope ∇ₐC, times the activation's "
                f"slope σ'(z{sub(L)}), unit by unit (⊙, the Hadamard product)."
            )
        )
        if cost.name == "ce" and (cost.fused_with or last.activation == "identity"):
            return self._fused_output(section, last, "p", "softmax")
        if cost.fused_with == "sigmoid":
            return self._fused_output(section, last, "a", "sigmoid")
        g = cost.grad_a if cost.grad_a is not None else cost.grad_a_expected
        book = [
            eq(grad_a(), self._grad_formula(last), self._grad_numbers(last, batch=False), self.c(g))
        ]
        code = [
            eq(
                grad_a(True, L),
                self._grad_formula(last, True),
                self._grad_numbers(last, batch=True),
                mat(g),
            )
        ]
        b2, c2 = self._delta_equations(last, grad_a(), grad_a(True, L), g)
        section.add(
            Prose("Book" + self.batch_note() + ":"),
            *map(Display, book + b2),
            Prose("Code (a row per example):"),
            *map(Display, code + c2),
        )
        if cost.scale != 1.0:
            section.add(
                Note(
                    f"the cost is the mean over the batch, so ∇ₐC carries the factor "
                    f"1/{self.t.batch}"
                )
            )
        return section

    def _grad_formula(self, last: LayerRecord, batch: bool = False):
        a = sym("A" if batch else "a", last.index)
        y = sym("Y" if batch else "y")
        name = self.t.cost_record.name
        core = {
            "mse": lambda: seq(a, "−", y),
            "bce": lambda: Frac(seq(a, "−", y), seq(a, "⊙", paren(1, "−", a))),
        }.get(name, lambda: Words("(the cost's own gradient)"))()
        return self._scaled(core)

    def _grad_numbers(self, last: LayerRecord, batch: bool):
        if self.t.cost_record.name != "mse":
            return None
        a = mat(last.a) if batch else self.c(last.a)
        y = mat(self.t.cost_record.Y) if batch else self.c(self.t.cost_record.Y)
        return self._scaled(seq(a, "−", y))

    def _scaled(self, core):
        scale = self.t.cost_record.scale
        if scale == 1.0:
            return core
        return seq(Frac(Num(1), Num(round(1 / scale))), Group(core))

    def _fused_output(self, section: Section, last: LayerRecord, p: str, f: str) -> Section:
        L = last.index
        cost = self.t.cost_record
        prob = last.a if last.activation in ("softmax", "sigmoid") else softmax_rows(last.z)
        section.add(
            Note(
                cost.form.fused_text.replace("_L", sub(L))
                + ": the cost takes z"
                + sub(L)
                + " itself, so ∇ₐC ⊙ σ'(z) is "
                "never formed and never divides by a probability"
            )
        )
        book = [
            eq(sym(p, L), call(f, sym("z", L)), self.c(prob)),
            eq(
                sym("δ", L),
                self._scaled(seq(sym(p, L), "−", "y")),
                self._scaled(seq(self.c(prob), "−", self.c(cost.Y))),
                self.c(last.delta),
            ),
        ]
        code = [
            eq(
                sym("Δ", L),
                self._scaled(seq(sym(p.upper(), L), "−", "Y")),
                self._scaled(seq(mat(prob), "−", mat(cost.Y))),
                mat(last.delta),
            )
        ]
        section.add(
            Prose("Book" + self.batch_note() + ":"),
            *map(Display, book),
            Prose("Code (a row per example):"),
            *map(Display, code),
        )
        return section

    def _delta_equations(self, layer: LayerRecord, g_book, g_code, g: np.ndarray):
        """σ'(z_l) and δ_l = g ⊙ σ'(z_l) (or J g for softmax), book and code forms."""
        l = layer.index
        if not layer.form.elementwise:  # softmax: a full Jacobian per example
            J = layer.jacobian
            book = [
                eq(
                    sym("J", l),
                    seq(call("diag", sym("a", l)), "−", sym("a", l), sym("a", l, "T")),
                    mat(J[self.e]),
                ),
                eq(
                    sym("δ", l),
                    seq(sym("J", l), g_book),
                    seq(mat(J[self.e]), self.c(g)),
                    self.c(layer.delta),
                ),
            ]
            code = [
                eq(
                    sym("Δ", l),
                    Words("row by row, J of each example times its row"),
                    mat(layer.delta),
                )
            ]
            return book, code
        s = layer.sigma_prime
        formula = prime_formula(layer)
        book = [
            eq(sigma_prime(layer), formula, self.c(s)),
            eq(
                sym("δ", l),
                seq(g_book, "⊙", sigma_prime(layer)),
                seq(self.c(g), "⊙", self.c(s)),
                self.c(layer.delta),
            ),
        ]
        code = [
            eq(
                sym("Δ", l),
                seq(g_code, "⊙", sigma_prime(layer, True)),
                seq(mat(g), "⊙", mat(s)),
                mat(layer.delta),
            )
        ]
        return book, code

    def step2(self) -> Section:
        title = "Step 2 · the error carried back: δₗ = (Wₗ₊₁ᵀ δₗ₊₁) ⊙ σ'(zₗ)"
        section = Section(title, key="step2")
        if self.L == 1:
            return section.add(
                Prose(
                    "This network has one layer: there is no hidden layer "
                    "to carry the error back through."
                )
            )
        section.add(
            Prose(
                "Each hidden layer's error is the error above it, sent back through "
                "the transposed weights (Wᵀδ: the vector-Jacobian product of "
                "z = W a + b), times σ' of its own z. Each δ is computed once and "
                "reused by the layer below: the dynamic programming of backprop."
            )
        )
        for below in reversed(self.t.layers[:-1]):
            above = self.t.layers[below.index]
            l, u = below.index, above.index
            back = below.grad_a if below.grad_a is not None else above.delta @ above.W
            back_book = seq(sym("W", u, "T"), sym("δ", u))
            back_code = seq(sym("Δ", u), sym("W", u))
            book = [eq(back_book, seq(mat(above.W.T), self.c(above.delta)), self.c(back))]
            code = [eq(back_code, seq(mat(above.delta), mat(above.W)), mat(back))]
            b2, c2 = self._delta_equations(below, paren(back_book), paren(back_code), back)
            section.add(
                Prose(f"Layer {l}" + self.batch_note() + ":"),
                *map(Display, book + b2),
                Prose("Code:"),
                *map(Display, code + c2),
            )
        return section

    def step3(self) -> Section:
        title = "Step 3 · the gradients: ∂C/∂Wₗ = δₗ aₗ₋₁ᵀ, ∂C/∂bₗ = δₗ; then W ← W − η ∂C/∂W"
        section = Section(title, key="step3")
        share = (
            ""
            if self.t.batch == 1
            else " (the book's form shows this example's share; the batch's gradient is the sum)"
        )
        section.add(
            Prose(
                "Each weight's gradient is the error at its output times the "
                "activation at its input: an outer product" + share + "."
            )
        )
        for layer in reversed(self.t.layers):
            l = layer.index
            dW = Partial(sym("C"), sym("W", l))
            book = [
                eq(
                    dW,
                    seq(sym("δ", l), sym("a", l - 1, "T")),
                    seq(self.c(layer.delta), mat(layer.a_prev[self.e][np.newaxis, :])),
                    mat(np.outer(layer.delta[self.e], layer.a_prev[self.e])),
                )
            ]
            code = [
                eq(
                    dW,
                    seq(sym("Δ", l, "T"), sym("A", l - 1)),
                    seq(mat(layer.delta.T), mat(layer.a_prev)),
                    mat(layer.dW),
                )
            ]
            if layer.db is not None:
                db = Partial(sym("C"), sym("b", l))
                book.append(eq(db, sym("δ", l), self.c(layer.delta)))
                code.append(
                    eq(db, seq(Words("Σ rows of"), sym("Δ", l)), mat(layer.db[np.newaxis, :]))
                )
            section.add(
                Prose(f"Layer {l}:"), *map(Display, book), Prose("Code:"), *map(Display, code)
            )
        eta = format_number(self.lr)
        section.add(
            Prose(
                f"Gradient descent then steps every weight against its gradient, "
                f"with learning rate η = {eta}:"
            )
        )
        for layer in reversed(self.t.layers):
            l = layer.index
            section.add(
                Display(
                    eq(
                        seq(
                            sym("W", l), "←", sym("W", l), "−", "η", Partial(sym("C"), sym("W", l))
                        ),
                        seq(mat(layer.W), "−", Num(self.lr), mat(layer.dW)),
                        mat(layer.W - self.lr * layer.dW),
                    )
                )
            )
        return section

    def check(self) -> Section:
        section = Section("Check: every equation above holds on the recorded numbers", key="check")
        section.add(
            Prose(
                "Each δ and gradient the engine computed, recomputed here from the "
                "recorded z and a with the book's formulas:"
            )
        )
        rows = [[c.equation, f"{c.error:.1e}", "✓" if c.ok else "✗"] for c in self.t.checks]
        section.add(Table(["equation", "max |engine − book|", ""], rows, [False, True, False]))
        reach = format_vector(self.t.grad_x[self.e])
        section.add(Prose(f"What reaches the input layer: ∂C/∂x = W₁ᵀ δ₁ = {reach}."))
        verdict = "all equations hold" if self.t.ok else "an equation does NOT hold: see ✗"
        section.add(Note(verdict, "ok" if self.t.ok else "fail"))
        return section


def _plus(items):
    """a + b + … (a single item alone)."""
    if len(items) == 1:
        return items[0]
    out = [items[0]]
    for item in items[1:]:
        out.extend(["+", item])
    return seq(*out)


def facts(trace: Trace, example: int = 0) -> list[tuple[str, str]]:
    """The header lines of every view: network, cost, example, C, check."""
    rows = [("network", trace.describe())]
    cost = trace.cost_record
    if cost is not None:
        rows.append(("cost", f"{cost.form.text}  ({cost.description})"))
    x = _brief(trace.x[example])
    y = _brief(cost.Y[example]) if cost is not None else "(see the graph)"
    rows.append(
        (
            "example",
            f"x = {x},  y = {y}"
            + (
                ""
                if trace.batch == 1
                else f"  (example {example} of {trace.batch}, counted from 0)"
            ),
        )
    )
    rows.append(("cost value", f"C = {format_number(trace.value, 6)}"))
    if trace.supported:
        rows.append(
            (
                "check",
                "all equations hold on the recorded numbers"
                if trace.ok
                else "FAILED: see the check section",
            )
        )
    return rows


def _brief(values, most: int = 12) -> str:
    """A vector for the header: whole when short, else its ends and its length (the
    equations below show it in full form)."""
    flat = np.ravel(values)
    if flat.size <= most:
        return format_vector(flat)
    ends = format_vector(np.concatenate([flat[:4], flat[-2:]]))[1:-1].split(", ")
    return f"[{', '.join(ends[:4])}, …, {', '.join(ends[4:])}] ({flat.size} numbers)"


def graph_section(trace: Trace) -> Section:
    """The generic view: every recorded operation with its value and gradient."""
    section = Section("The recorded operations (generic graph view)", key="graph-table")
    if trace.note:
        section.add(Note(trace.note))
    rows = []
    for node in trace.graph.nodes:
        parents = ", ".join(trace.graph.nodes[p].label for p in node.parents)
        made = f"{node.op}({parents})" if node.op else node.kind
        rows.append(
            [
                node.label,
                made,
                "×".join(map(str, node.shape)) or "scalar",
                _summary(node.value),
                _summary(node.grad),
            ]
        )
    section.add(
        Table(
            ["value", "made by", "shape", "value", "∂C/∂value"],
            rows,
            [False, False, False, True, True],
        )
    )
    return section


def _summary(values) -> str:
    if values is None:
        return "—"
    flat = np.ravel(values)
    if flat.size <= 4:
        return format_vector(flat)
    return f"‖·‖ = {format_number(float(np.linalg.norm(flat)))}"


def steps_document(trace: Trace, example: int = 0, lr: float = 1.0) -> Document:
    """The forward values, Step 1, 2, 3 and the check, for ``trace`` (see the module)."""
    doc = Document("The backward pass, step by step", facts(trace, example))
    if not trace.supported:
        doc.add(graph_section(trace))
        return doc
    writer = StepsWriter(trace, example, lr)
    for section in (
        writer.forward(),
        writer.step1(),
        writer.step2(),
        writer.step3(),
        writer.check(),
    ):
        doc.add(section)
    return doc


def steps_text(trace: Trace, width: int = 80, precision: int = 4) -> str:
    """Step 1, 2, 3 as text: what ``Trace.text()`` prints."""
    return render_text(steps_document(trace), width=width, precision=precision)


DISPLAYS["text"] = steps_text
