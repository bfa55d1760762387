"""The lean no-grad forward now lives with the layers: :mod:`chainrule.nn.lean` (kept here so
``chainrule.fast.infer.lean_forward`` still works)."""

from ..nn.lean import lean_forward

__all__ = ["lean_forward"]
