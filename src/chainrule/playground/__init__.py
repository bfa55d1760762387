"""The playground: build a network, train it and watch backpropagation, in a local web page.

The engine of a run is plain Python and NumPy (importable without the ``[web]`` extra):
:mod:`.settings` (every control, as URL query keys), :mod:`.features` (x₁, x₂, x₁², …),
:mod:`.datasets` (the examples of a run), :mod:`.network` (network, cost and optimizer),
:mod:`.run` (:class:`PlaygroundRun`: the steps and the frames), :mod:`.frames` (heatmaps and
unit thumbnails). ``chainrule serve`` puts a page in front of it.
"""

from .run import PlaygroundRun
from .settings import SCHEMA, Settings, read_settings

__all__ = ["PlaygroundRun", "SCHEMA", "Settings", "read_settings"]
