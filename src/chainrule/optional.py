"""The optional packages, imported in one place: a feature that needs one calls
:func:`require`, which returns the module or raises :class:`~chainrule.errors.MissingPackageError`
naming the package, what it is needed for, and the extra that installs it.

The core needs only NumPy and SciPy; everything else comes with an extra of ``pyproject.toml``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingPackageError

#: importable name → (the name pip knows it by, the extra that installs it)
PACKAGES = {
    "matplotlib": ("matplotlib", "viz"),
    "PIL": ("Pillow", "viz"),
    "sklearn": ("scikit-learn", "sklearn"),
    "tqdm": ("tqdm", "train"),
    "torch": ("PyTorch", "bench"),
    "micrograd": ("micrograd", "bench"),
    "starlette": ("Starlette", "web"),
    "uvicorn": ("uvicorn", "web"),
    "websockets": ("websockets", "web"),
}


def install_hint(module: str, extra: str | None = None) -> str:
    """``pip install "chainrule[extra]"`` for the package that provides ``module``."""
    top = module.split(".")[0]
    extra = extra or PACKAGES[top][1]
    return f'pip install "chainrule[{extra}]"'


def missing_message(module: str, purpose: str, extra: str | None = None) -> str:
    """The one line that says what is missing, for what, and how to install it."""
    top = module.split(".")[0]
    package = PACKAGES.get(top, (top, None))[0]
    return (
        f"{purpose} needs {package}, which is not installed; install it with: "
        f"{install_hint(module, extra)}"
    )


def require(module: str, purpose: str, extra: str | None = None) -> ModuleType:
    """The module ``module`` (e.g. ``"PIL.Image"``), imported; :class:`MissingPackageError`
    when it (or the package it belongs to) is not installed. ``purpose`` says what needs it
    ("an animated GIF"); ``extra`` overrides the extra of :data:`PACKAGES`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if isinstance(exc, MissingPackageError):
            raise
        raise MissingPackageError(missing_message(module, purpose, extra)) from None


def available(module: str) -> bool:
    """Whether ``module`` can be imported (for features that are only a nicety, such as a
    progress bar, and are left out quietly without it)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
