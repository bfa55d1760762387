"""The results as ``docs/performance.md``: tables, ratios against every peer, and each target
marked met or not met."""

from __future__ import annotations

import datetime
import math

from .timing import format_time

PEERS = ["chainrule", "chainrule tape", "NumPy δ-recursion", "PyTorch eager", "scikit-learn"]
MIB = 1024 * 1024


def _ratio(peer: float | None, ours: float | None) -> float:
    if not peer or not ours or math.isnan(peer) or math.isnan(ours):
        return float("nan")
    return peer / ours


def _x(ratio: float) -> str:
    return "—" if math.isnan(ratio) else f"{ratio:.2f}×"


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header, rows) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows), ""]


def _peers_present(cases) -> list[str]:
    seen = {name for r in cases for name in r["seconds"]}
    return [p for p in PEERS if p in seen]


def targets(results) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of the issue; met is None when not measured."""
    found = []
    gemm = results.get("gemm")
    for r in results.get("cases", []):
        case, s = r["case"], r["seconds"]
        torch = s.get("PyTorch eager")
        ours = s.get("chainrule")
        if "small" in case.target:
            ratio = _ratio(torch, ours)
            found.append(
                (
                    f"≥ 5× faster than PyTorch eager: {case.label}",
                    _x(ratio),
                    None if math.isnan(ratio) else ratio >= 5,
                )
            )
        if "large" in case.target:
            ratio = _ratio(torch, ours)
            found.append(
                (
                    f"≥ 1.1× faster than PyTorch eager: {case.label}",
                    _x(ratio),
                    None if math.isnan(ratio) else ratio >= 1.1,
                )
            )
        if "gemm" in case.target and gemm and ours:
            share = case.flops / ours / gemm
            found.append(
                (
                    f"≥ 85% of the measured sgemm rate: {case.label}",
                    f"{share:.0%} ({case.flops / ours / 1e9:.0f} of {gemm / 1e9:.0f} GFLOP/s)",
                    share >= 0.85,
                )
            )
    fashion = results.get("fashion")
    if isinstance(fashion, dict):
        s = fashion["seconds"]
        for peer in ("PyTorch eager", "scikit-learn"):
            if peer in s:
                ratio = _ratio(s[peer], s["chainrule"])
                found.append((f"Fashion-MNIST epoch faster than {peer}", _x(ratio), ratio > 1))
    scalar = results.get("scalar")
    if isinstance(scalar, dict) and "micrograd" in scalar["seconds"]:
        ratio = _ratio(scalar["seconds"]["micrograd"], scalar["seconds"]["chainrule"])
        found.append(
            ("scalar engine faster than micrograd on its moons demo", _x(ratio), ratio > 1)
        )
    million = results.get("million")
    if isinstance(million, dict):
        found.append(
            (
                f"backward through a {million['nodes']:,}-node scalar graph",
                f"{million['backward s']:.2f} s, no recursion error",
                True,
            )
        )
    return found


def _mark(met) -> str:
    return "not measured" if met is None else ("**met**" if met else "**not met**")


def markdown(results) -> str:
    cases = results.get("cases", [])
    peers = _peers_present(cases)
    others = [p for p in peers if p != "chainrule"]
    date = datetime.date.today().isoformat()
    out = [
        "# Performance",
        "",
        f"Produced by `chainrule bench` (the checkout's `python -m benchmarks`) on {date}; "
        "run it again rather than edit the report. "
        "Each figure is the median over "
        f"{results['rounds']} interleaved rounds (every contender runs a block of about "
        f"{results['block'] * 1e3:.0f} ms in turn, in a rotated order, after 0.25 s of untimed "
        "steps that let the previous contender's spinning thread pools go idle), float32, "
        "one training step = forward, cost, backward and the optimizer's update.",
        "",
    ]
    if results.get("quick"):
        out += ["**Quick run** (`--quick`): a smoke test; the numbers are rough.", ""]
    out += ["## Machine", ""]
    out += _table(["", ""], list(results["machine"].items()))
    if results.get("gemm"):
        out += [
            f"float32 matrix multiply (2048³ sgemm through NumPy's BLAS, median of runs): "
            f"**{results['gemm'] / 1e9:.0f} GFLOP/s**.",
            "",
        ]

    found = targets(results)
    if found:
        out += ["## Targets", ""]
        out += _table(["target", "measured", ""], [(t, m, _mark(ok)) for t, m, ok in found])

    if cases:
        out += [
            "## One training step",
            "",
            "Cases marked σ: sigmoid layers, C = ½‖a − y‖² summed over the batch, plain SGD "
            "(η = 0.1 / batch), the book's setting. ReLU: ReLU hidden layers, softmax "
            "cross-entropy (mean), Adam (η = 10⁻³). scikit-learn's classifier always uses "
            "its own log-loss, and is timed per epoch (`partial_fit` over the pool of "
            "batches) and divided by the number of steps.",
            "",
        ]
        rows = []
        for r in cases:
            s = r["seconds"]
            rows.append([r["case"].label] + [format_time(s.get(p, float("nan"))) for p in peers])
        out += _table(["case", *peers], rows)
        out += [
            "### Ratios",
            "",
            "Each peer's time ÷ chainrule's (above 1: chainrule is faster).",
            "",
        ]
        rows = [
            [r["case"].label]
            + [_x(_ratio(r["seconds"].get(p), r["seconds"]["chainrule"])) for p in others]
            for r in cases
        ]
        out += _table(["case", *others], rows)
        if results.get("gemm"):
            out += [
                "### Share of the machine's matrix-multiply rate",
                "",
                "Useful work 6·B·Σ(in·out) flops per step (forward, ∂C/∂W and ∂C/∂A of "
                "each layer) ÷ time ÷ the sgemm rate above.",
                "",
            ]
            rows = []
            for r in cases:
                case = r["case"]
                rows.append(
                    [case.label, f"{case.flops / 1e6:.3g} M"]
                    + [
                        f"{case.flops / r['seconds'][p] / results['gemm']:.0%}"
                        if p in r["seconds"]
                        else "—"
                        for p in peers
                    ]
                )
            out += _table(["case", "flops per step", *peers], rows)
        spread = [
            (r["case"].name, p, v)
            for r in cases
            for p, v in r["spread"].items()
            if v is not None and v == v and v > 0.15
        ]
        notes = sorted({f"{p}: {n}" for r in cases for p, n in r["notes"].items() if n})
        skipped = sorted({f"{p}: {why}" for r in cases for p, why in r["skipped"].items()})
        if notes:
            out += ["How the peers ran: " + "; ".join(notes) + ".", ""]
        if skipped:
            out += ["Skipped: " + "; ".join(skipped) + ".", ""]
        if spread:
            out += [
                "Noisy rounds (interquartile range above 15% of the median): "
                + ", ".join(f"{c} / {p} ({v:.0%})" for c, p, v in spread)
                + ".",
                "",
            ]
        if results["rounds"] < 4:
            rounds = "1 round" if results["rounds"] == 1 else f"{results['rounds']} rounds"
            out += [
                f"{rounds} per case: too few to tell how noisy the timings were (no spread "
                "is given).",
                "",
            ]
        losses = [(r["case"].name, r["first_loss"]) for r in cases if len(r["first_loss"]) > 1]
        if losses:
            worst = max(
                abs(v - lv["chainrule"]) / max(abs(lv["chainrule"]), 1e-30)
                for _, lv in losses
                for v in lv.values()
            )
            out += [
                "The contenders compute the same thing: the cost of the first batch "
                f"agrees between chainrule, NumPy and PyTorch to {worst:.1e} (relative) "
                "in every case.",
                "",
            ]

    memory = results.get("memory")
    if memory:
        out += [
            "## Peak memory",
            "",
            "Growth of the peak resident memory of a fresh process, from after its imports "
            "(and the data) to after building the network and running 5 steps: "
            "parameters, gradients, optimizer state, saved activations and temporaries.",
            "",
        ]
        rows = []
        for r in cases:
            row = memory.get(r["case"].name, {})
            rows.append(
                [r["case"].label]
                + [
                    f"{row[p]['growth'] / MIB:.1f} MiB"
                    if isinstance(row.get(p), dict)
                    else (row.get(p) or "—")
                    for p in peers
                ]
            )
        out += _table(["case", *peers], rows)

    o = results.get("overhead")
    if o:
        raw = o["raw NumPy"]
        out += [
            "## What the tape costs",
            "",
            "One step of the book's 3-4-1 sigmoid network, batch 4 (tiny arrays: what is "
            "measured is the engine's own work).",
            "",
        ]
        out += _table(
            ["", "per step", "above raw NumPy"],
            [
                (name, format_time(t), "—" if name == "raw NumPy" else format_time(t - raw))
                for name, t in o.items()
            ],
        )

    inference = results.get("inference")
    rows = [
        [r["case"].label, inference[r["case"].name]]
        for r in cases
        if inference and r["case"].name in inference
    ]
    if rows:
        names = sorted({k for _, v in rows for k in v})
        out += [
            "## No-grad forward (evaluation)",
            "",
            "`net(X)` under `cr.no_grad()` on one batch; PyTorch under `torch.no_grad()`.",
            "",
        ]
        out += _table(
            ["case", *names],
            [[label] + [format_time(v.get(n, float("nan"))) for n in names] for label, v in rows],
        )

    scalar, million = results.get("scalar"), results.get("million")
    if scalar or million:
        out += ["## The scalar engine", ""]
    if isinstance(scalar, dict):
        s = scalar["seconds"]
        out += [
            "micrograd's own demo (`demo.ipynb`): a 2-16-16-1 MLP of scalar values, 100 "
            "two-moons points, hinge loss + 1e-4 L2; one step = forward (building a graph "
            f"of {scalar['nodes']:,} scalar operations), backward, update. Same initial "
            "weights; the garbage collector is run before each timed step (micrograd's "
            "graphs are reference cycles).",
            "",
        ]
        rows = [(name, format_time(t), _x(_ratio(t, s["chainrule"]))) for name, t in s.items()]
        out += _table(["engine", "per step", "÷ chainrule"], rows)
        if scalar.get("skipped"):
            out += [f"Skipped: micrograd: {scalar['skipped']}.", ""]
        costs = scalar["first cost"]
        if len(costs) > 1:
            out += [
                f"First-step costs: {', '.join(f'{k} {v:.12g}' for k, v in costs.items())}.",
                "",
            ]
    if isinstance(million, dict):
        out += [
            f"A chain of {million['nodes']:,} scalar operations (y ← y·1 + 0): built in "
            f"{million['forward s']:.2f} s, backward in {million['backward s']:.2f} s "
            "(an iterative sweep: no recursion limit).",
            "",
        ]

    fashion = results.get("fashion")
    if fashion is not None:
        out += ["## Fashion-MNIST, one epoch end to end", ""]
        if isinstance(fashion, dict):
            s = fashion["seconds"]
            out += [
                f"784-256-128-10 ReLU, softmax cross-entropy, Adam (η = 10⁻³), batches of "
                f"128 shuffled each epoch, {fashion['train']:,} training images; chainrule "
                "and PyTorch run a plain loop of their training step, scikit-learn one "
                "`partial_fit`. Test accuracy on the "
                f"{fashion['test']:,} test images after the timed epochs.",
                "",
            ]
            rows = [
                (
                    name,
                    format_time(t),
                    _x(_ratio(t, s["chainrule"])),
                    f"{fashion['accuracy'][name]:.3f} after {fashion['epochs'][name]} epochs",
                )
                for name, t in s.items()
            ]
            out += _table(["contender", "per epoch", "÷ chainrule", "test accuracy"], rows)
        else:
            out += [str(fashion), ""]
        trainer = results.get("trainer")
        if isinstance(trainer, dict):
            out += [
                f"Through the library's loader and trainer (`chainrule.data`, "
                f"`chainrule.train`): {format_time(trainer['seconds'])} per epoch.",
                "",
            ]
        elif trainer:
            out += [f"Through the library's loader and trainer: {trainer}.", ""]

    out += [
        "## Method",
        "",
        "- Every contender gets the same data (a pool of batches, at least 4096 examples: "
        "standard normal inputs, targets from a random linear teacher, stepped through in "
        "turn), the same initial weights, and the same number of threads (NumPy's BLAS "
        "thread count; PyTorch is pinned to it with `torch.set_num_threads`).",
        "- PyTorch runs eager mode at its best: inputs are contiguous tensors made once, "
        "`zero_grad(set_to_none=True)`, the fastest of its optimizer implementations "
        "(for-loop, foreach, fused) chosen per case by timing them first, `torch.no_grad()` "
        "for evaluation, `loss.item()` returned each step as chainrule returns its cost.",
        "- Thread pools keep spinning after a library's last call (OpenBLAS's workers for "
        "about 0.1 s), so each timed block follows 0.25 s of the same contender's untimed "
        "steps. Timed straight after a NumPy contender, PyTorch measured about twice its own "
        "time on 784-256-256-10 (a spinning OpenBLAS worker held one of the two cores); "
        "figures published before this settling overstated chainrule's lead on the large "
        "cases.",
        "- The NumPy δ-recursion is the book's loop written plainly (new arrays every step).",
        "- chainrule's `make_train_step` returns the compiled step for these networks; "
        "`chainrule tape` is the same step through the recorded graph.",
        f"- The whole run took {results.get('duration', 0) / 60:.1f} minutes.",
        "",
    ]
    return "\n".join(out)


def summary(results) -> str:
    """A few lines for the terminal: per case the ratios, then the targets."""
    lines = []
    for r in results.get("cases", []):
        s = r["seconds"]
        ratios = ", ".join(f"{p} {_x(_ratio(s[p], s['chainrule']))}" for p in PEERS[1:] if p in s)
        lines.append(f"{r['case'].label}: chainrule {format_time(s['chainrule'])}; ÷ {ratios}")
    for target, measured, met in targets(results):
        lines.append(f"[{_mark(met).strip('*')}] {target}: {measured}")
    return "\n".join(lines)
