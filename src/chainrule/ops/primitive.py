"""A primitive: one forward function and one vector-Jacobian product per argument.

This is the derivative table's entry type. Every engine (the tape, the compiled MLP step, the
trace) calls the same two functions, so each derivative is written once:

    forward(*args)            -> ans
    vjp[i](g, ans, *args)     -> gᵀ J_i   (the gradient of the cost with respect to argument i,
                                          given g, the gradient with respect to ans)

A VJP never forms the Jacobian J_i: for an elementwise map J = diag(f'(x)) and gᵀJ = g ⊙ f'(x);
for an affine map it is a matrix product with the transpose, Wᵀδ.

There is one way to give a primitive its derivatives: a named function beside it, whose
docstring states the derivative in the book's notation, registered for one argument by the
decorator :meth:`Primitive.vjp`::

    @affine.vjp("W")
    def affine_vjp_W(g, z=None, x=None, W=None, b=None, *, out=None):
        '∂C/∂W = δᵀ x (the book: δ aᵀ, summed over the batch)'
        ...

It is named ``<op>_vjp_<argument>`` (``<op>_vjp`` for a primitive of one argument). The tape
calls it positionally, ``rule(g, ans, *args)``, with the answer and the arguments under the
forward's own names. A VJP that the compiled step calls outside the tape gives every parameter
after ``g`` a default and takes a keyword-only ``out=`` (a buffer reused across steps), so that
such a call names what the formula reads: ``affine_vjp_W(delta, x=a_prev, out=W.grad)``. An
argument without a rule (an axis, a shape, a label) passes no gradient back.

A VJP for an input of a different shape (broadcasting) returns the gradient at the broadcast
shape; the engine sums it back to the input's shape in one place (:func:`unbroadcast`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ..errors import MissingDerivativeError

#: Every primitive by name: the derivative table.
TABLE: dict[str, Primitive] = {}


class Primitive:
    """A differentiable operation: ``forward`` plus a VJP rule per differentiable argument."""

    #: For an elementwise map a = f(z): True when its VJP is written from the output a alone
    #: (σ' = a(1 − a)), so an engine may compute a in place of z; False when the VJP reads z
    #: (softplus' = σ(z)), so z must be kept.
    vjp_from_output = False
    #: Rough cost of the forward and of the VJP, in passes over the array (whether splitting
    #: the elementwise work over threads pays off).
    passes: tuple[float, float] = (1, 1)

    def __init__(self, forward: Callable, name: str | None = None):
        self.name = name or forward.__name__
        self.forward = forward
        self.arg_names = tuple(
            p.name
            for p in inspect.signature(forward).parameters.values()
            if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "out"
        )
        self.vjps: list[Callable | None] = [None] * len(self.arg_names)
        #: whether 0-d operands may be passed as NumPy scalars (see :mod:`.arithmetic`)
        self.scalars = False
        self.__doc__ = forward.__doc__
        self.__wrapped__ = forward
        if self.name in TABLE:
            raise ValueError(f"primitive {self.name!r} is defined twice")
        TABLE[self.name] = self

    def vjp(self, argument: str) -> Callable[[Callable], Callable]:
        """Decorator: register the VJP of ``argument`` (by its name in the forward), the one
        way a rule enters the table. The rule must be a named function whose docstring states
        the derivative (``∂C/∂…`` or ``∇…``), callable as ``rule(g, ans, *args)``; each
        argument gets one rule."""
        if argument not in self.arg_names:
            raise ValueError(
                f"primitive {self.name!r} has no argument {argument!r} "
                f"(its arguments: {', '.join(self.arg_names)})"
            )
        index = self.arg_names.index(argument)

        def register(rule: Callable) -> Callable:
            what = f"the VJP of {self.name!r} for {argument!r}"
            if rule.__name__ == "<lambda>":
                raise ValueError(f"{what} must be a named function, not a lambda")
            doc = rule.__doc__ or ""
            if "∂C/∂" not in doc and "∇" not in doc:
                raise ValueError(
                    f"{what} ({rule.__name__}) needs a docstring stating the "
                    "derivative in the book's notation (∂C/∂… = …)"
                )
            try:
                inspect.signature(rule).bind(*[None] * (2 + len(self.arg_names)))
            except TypeError:
                raise ValueError(
                    f"{what} ({rule.__name__}) cannot be called as rule(g, ans, "
                    f"{', '.join(self.arg_names)})"
                ) from None
            if self.vjps[index] is not None:
                raise ValueError(f"{what} is registered twice")
            self.vjps[index] = rule
            return rule

        return register

    def rule(self, index: int) -> Callable:
        """The VJP of argument ``index``, or :class:`MissingDerivativeError` naming both."""
        rule = self.vjps[index] if index < len(self.vjps) else None
        if rule is None:
            name = self.arg_names[index] if index < len(self.arg_names) else f"#{index}"
            raise MissingDerivativeError(
                f"op '{self.name}' has no derivative rule for its argument '{name}' "
                f"(argument {index}); it cannot pass a gradient back to it"
            )
        return rule

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<primitive {self.name}({', '.join(self.arg_names)})>"


def buffer(out, like):
    """``out`` if given, else a new array shaped like ``like`` (0-d included, so the in-place
    ufunc steps that follow always have an array to write into)."""
    return np.empty_like(like) if out is None else out


def primitive(forward: Callable) -> Primitive:
    """Decorator: turn a forward function into a :class:`Primitive` entry of the table."""
    return Primitive(forward)
