"""The playground: build a network, train it and watch backpropagation, in a local web page.

The engine of a run is plain Python and NumPy (importable without the ``[web]`` extra):
:mod:`.settings` (every control, as URL query keys), :mod:`.features` (x₁, x₂, x₁², …),
:mod:`.datasets` (the examples of a run), :mod:`.upload` (a user's CSV, validated),
:mod:`.network` (network, cost and optimizer), :mod:`.run` (:class:`PlaygroundRun`: the steps
and the stop conditions), :mod:`.frames` (the frame: heatmaps, unit thumbnails, weights,
gradients), :mod:`.backprop` (one example's backward pass, from explain) and :mod:`.export`
(checkpoint, data CSV, Python snippet). ``chainrule serve`` puts a page in front of it.
"""

from .run import PlaygroundRun
from .settings import SCHEMA, Settings, read_settings

__all__ = ["PlaygroundRun", "SCHEMA", "Settings", "read_settings"]
