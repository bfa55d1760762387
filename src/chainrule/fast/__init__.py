"""Training steps: one call does zero_grad, forward, backward, (clip) and the update.

``make_train_step(net, cost, optimizer)`` returns the fastest step that gives the same
results as the recorded-graph (tape) step up to float rounding; every step leaves each
parameter's ``.grad`` holding the batch's gradient, so callbacks can read it.
"""

from .step import TapeStep, make_train_step

__all__ = ["TapeStep", "make_train_step"]
