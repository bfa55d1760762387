"""The input features of a point (x₁, x₂): what the network sees of it.

    x1 = x₁,  x2 = x₂,  x1sq = x₁²,  x2sq = x₂²,  x1x2 = x₁x₂,  sinx1 = sin x₁,  sinx2 = sin x₂

as in TensorFlow Playground: the network's input layer has one unit per chosen feature.
"""

from __future__ import annotations

import numpy as np

#: name → (how it is written, the map from the raw columns x₁, x₂)
FEATURES = {
    "x1": ("x₁", lambda x1, x2: x1),
    "x2": ("x₂", lambda x1, x2: x2),
    "x1sq": ("x₁²", lambda x1, x2: x1 * x1),
    "x2sq": ("x₂²", lambda x1, x2: x2 * x2),
    "x1x2": ("x₁x₂", lambda x1, x2: x1 * x2),
    "sinx1": ("sin x₁", lambda x1, x2: np.sin(x1)),
    "sinx2": ("sin x₂", lambda x1, x2: np.sin(x2)),
}


def feature_matrix(points: np.ndarray, names) -> np.ndarray:
    """The (n, len(names)) float32 features of (n, 2) points, one column per name, in order."""
    points = np.asarray(points, dtype=np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    columns = [FEATURES[name][1](x1, x2) for name in names]
    return np.stack(columns, axis=1).astype(np.float32)


def feature_label(name: str) -> str:
    """How the page and the exports write a feature ("x₁²")."""
    return FEATURES[name][0]
