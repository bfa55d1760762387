"""An independent implementation of the book's equations, for the tests to compare against.

Column-vector form, one example at a time, plain NumPy float64, nothing from chainrule:

    z_l = W_l a_{l−1} + b_l,   a_l = σ_l(z_l)
    δ_L = ∇_a C ⊙ σ_L'(z_L)            (softmax + cross-entropy, sigmoid + BCE: δ_L = a − y)
    δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ_l'(z_l)
    ∂C/∂W_l = δ_l a_{l−1}ᵀ,   ∂C/∂b_l = δ_l       (summed over examples, × the reduction)
"""

from __future__ import annotations

import numpy as np


def sigma(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "identity":
        return z
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    raise ValueError(name)


def sigma_prime(name, z):
    """σ'(z) as a vector (the diagonal of the Jacobian) for elementwise activations."""
    if name == "sigmoid":
        s = sigma("sigmoid", z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "identity":
        return np.ones_like(z)
    raise ValueError(name)


def cost_and_delta_L(cost, z_L, a_L, y, output):
    """The cost of one example and δ_L = ∂C/∂z_L."""
    if cost == "mse":
        C = 0.5 * np.sum((a_L - y) ** 2)
        if output == "softmax":
            J = np.diag(a_L) - np.outer(a_L, a_L)
            return C, J.T @ (a_L - y)
        return C, (a_L - y) * sigma_prime(output, z_L)
    if cost == "ce":  # output must be identity (logits) or softmax; y is one-hot
        p = sigma("softmax", z_L)
        return -np.sum(y * np.log(p)), p - y
    if cost == "bce":  # output sigmoid: C = −[y ln a + (1 − y) ln(1 − a)]
        C = -np.sum(y * np.log(a_L) + (1 - y) * np.log(1 - a_L))
        return C, a_L - y
    raise ValueError(cost)


def backprop(weights, biases, activations, cost, X, Y, scale=1.0):
    """Gradients of scale · Σ_examples C by the book's δ recursion, one example at a time.

    weights[l]: (out, in); biases[l]: (out,) or None; activations[l]: name after layer l.
    Returns (total cost, [dW_l], [db_l], per-example deltas [[δ_l for l] for each example]).
    """
    dW = [np.zeros_like(W) for W in weights]
    db = [None if b is None else np.zeros_like(b) for b in biases]
    total = 0.0
    all_deltas = []
    for x, y in zip(X, Y, strict=True):
        a = [np.asarray(x, dtype=float)]
        zs = []
        for W, b, act in zip(weights, biases, activations, strict=True):
            z = W @ a[-1] + (0.0 if b is None else b)
            zs.append(z)
            a.append(sigma(act, z))
        C, delta = cost_and_delta_L(cost, zs[-1], a[-1], y, activations[-1])
        total += C
        deltas = [delta]
        for layer in range(len(weights) - 2, -1, -1):
            delta = (weights[layer + 1].T @ delta) * sigma_prime(activations[layer], zs[layer])
            deltas.insert(0, delta)
        for layer, delta in enumerate(deltas):
            dW[layer] += np.outer(delta, a[layer])
            if db[layer] is not None:
                db[layer] += delta
        all_deltas.append(deltas)
    dW = [scale * g for g in dW]
    db = [None if g is None else scale * g for g in db]
    return scale * total, dW, db, all_deltas
