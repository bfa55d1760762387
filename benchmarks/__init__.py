"""The checkout's entry to chainrule's benchmark, :mod:`chainrule.bench` (the program itself
lives in the package, so that ``chainrule bench`` works from an installed copy too).

``python -m benchmarks [--quick] [--cases ...] [--out FILE]``: a full run rewrites the
checkout's ``docs/performance.md`` unless ``--out`` says otherwise; ``--quick`` (a smoke test)
only prints its report. ``benchmarks/accuracy.py`` writes ``docs/results.md``;
``benchmarks/tf_playground.py DIST`` measures TensorFlow Playground's training rate in headless
Chromium (for the playground's section of ``docs/performance.md``).
"""
