"""The baseline: the book's δ recursion written by hand in NumPy, as a reader would write it.

    A_l = σ(A_{l−1} W_lᵀ + b_l);   Δ_L = (A_L − Y) ⊙ A_L(1 − A_L)
    Δ_{l−1} = (Δ_l W_l) ⊙ A_{l−1}(1 − A_{l−1});   W_l −= η Δ_lᵀ A_{l−1};   b_l −= η Σ Δ_l

(ReLU cases: Δ_{l−1} = (Δ_l W_l) ⊙ [A_{l−1} > 0], Δ_L = (softmax(Z_L) − Y)/B, and Adam.)
Plain expressions, new arrays every step: no buffers, no in-place tricks.
"""

from __future__ import annotations

import numpy as np

from .runner import Runner

NAME = "NumPy δ-recursion"


def missing():
    return None


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class SigmoidMSE:
    def __init__(self, case, data):
        self.W = [w.copy() for w in data.weights]
        self.b = [b.copy() for b in data.biases]
        self.lr = np.float32(case.lr)

    def step(self, X, Y):
        A = [X]
        for W, b in zip(self.W, self.b, strict=True):
            A.append(sigmoid(A[-1] @ W.T + b))
        out = A[-1]
        delta = (out - Y) * out * (1 - out)
        for l in range(len(self.W) - 1, -1, -1):
            dW = delta.T @ A[l]
            db = delta.sum(axis=0)
            if l:
                delta = (delta @ self.W[l]) * A[l] * (1 - A[l])
            self.W[l] -= self.lr * dW
            self.b[l] -= self.lr * db
        return 0.5 * float(np.sum((out - Y) ** 2))


class ReluCrossEntropyAdam:
    def __init__(self, case, data):
        self.params = [
            p.copy() for pair in zip(data.weights, data.biases, strict=True) for p in pair
        ]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0
        self.lr, self.b1, self.b2, self.eps = case.lr, 0.9, 0.999, 1e-8

    def step(self, X, y):
        W, b = self.params[0::2], self.params[1::2]
        A = [X]
        for l in range(len(W)):
            z = A[-1] @ W[l].T + b[l]
            A.append(np.maximum(z, 0) if l < len(W) - 1 else z)
        z = A[-1]
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        rows = np.arange(len(y))
        loss = -float(np.mean(np.log(p[rows, y])))
        delta = p
        delta[rows, y] -= 1
        delta /= len(y)
        grads = [None] * len(self.params)
        for l in range(len(W) - 1, -1, -1):
            grads[2 * l] = delta.T @ A[l]
            grads[2 * l + 1] = delta.sum(axis=0)
            if l:
                delta = (delta @ W[l]) * (A[l] > 0)
        self.t += 1
        for i, (p_, g) in enumerate(zip(self.params, grads, strict=True)):
            self.m[i] = self.b1 * self.m[i] + (1 - self.b1) * g
            self.v[i] = self.b2 * self.v[i] + (1 - self.b2) * g * g
            m_hat = self.m[i] / (1 - self.b1**self.t)
            v_hat = self.v[i] / (1 - self.b2**self.t)
            p_ -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(p_.dtype)
        return loss


def model(case, data):
    return SigmoidMSE(case, data) if case.kind == "sigmoid" else ReluCrossEntropyAdam(case, data)


def runner(case, data, threads):
    net = model(case, data)
    X, Y = data.X, data.Y
    pool = len(X)

    def run(n):
        with np.errstate(over="ignore"):  # e^(−z) overflows to inf for z ≪ 0: σ = 0, as it should
            for i in range(n):
                net.step(X[i % pool], Y[i % pool])

    return Runner(run)


def infer(case, data, threads):
    net = model(case, data)
    X = data.X[0]
    W = net.W if case.kind == "sigmoid" else net.params[0::2]
    b = net.b if case.kind == "sigmoid" else net.params[1::2]

    def run(n):
        with np.errstate(over="ignore"):
            for _ in range(n):
                a = X
                for l in range(len(W)):
                    z = a @ W[l].T + b[l]
                    a = (
                        sigmoid(z)
                        if case.kind == "sigmoid"
                        else (np.maximum(z, 0) if l < len(W) - 1 else z)
                    )

    return Runner(run)


def first_loss(case, data):
    """The cost of the first batch before any step (the step returns it)."""
    with np.errstate(over="ignore"):
        return model(case, data).step(data.X[0], data.Y[0])
