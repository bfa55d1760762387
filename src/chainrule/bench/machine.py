"""The machine the numbers were taken on, and the thread settings every contender shares."""

from __future__ import annotations

import os
import platform
from contextlib import contextmanager


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info() -> list[dict]:
    """The BLAS/OpenMP libraries loaded, with their thread counts (threadpoolctl, if present)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return threadpool_info()


def numpy_blas() -> str:
    for lib in blas_info():
        if lib.get("user_api") == "blas" and "numpy" in lib.get("filepath", ""):
            return (
                f"{lib.get('internal_api')} {lib.get('version')} "
                f"({lib.get('architecture')}, {lib.get('num_threads')} threads)"
            )
    try:
        import numpy as np

        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - best effort description
        return "unknown"


def threads() -> int:
    """The number of threads NumPy's BLAS uses: every contender is given the same."""
    for lib in blas_info():
        if lib.get("user_api") == "blas" and "numpy" in lib.get("filepath", ""):
            return int(lib["num_threads"])
    return os.cpu_count() or 1


def versions() -> dict[str, str]:
    import numpy
    import scipy

    import chainrule

    found = {
        "Python": platform.python_version(),
        "NumPy": numpy.__version__,
        "SciPy": scipy.__version__,
        "chainrule": chainrule.__version__,
    }
    for name, module in (
        ("PyTorch", "torch"),
        ("scikit-learn", "sklearn"),
        ("micrograd", "micrograd"),
    ):
        try:
            imported = __import__(module)
            found[name] = getattr(imported, "__version__", None) or _dist_version(module)
        except ImportError:
            found[name] = "not installed"
    return found


def _dist_version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "installed"


def describe() -> dict[str, str]:
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    info = {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "threads used (BLAS, PyTorch)": str(threads()),
        "BLAS (NumPy)": numpy_blas(),
        "OS": f"{platform.system()} {platform.release()}",
        "load average at start": load,
    }
    info.update(versions())
    return info


@contextmanager
def limit_threads(n: int):
    """Within the block NumPy's BLAS uses ``n`` threads (threadpoolctl), and chainrule splits
    elementwise work only when ``n`` > 1; PyTorch is pinned to ``n`` by the runs themselves."""
    from chainrule import parallel

    try:
        from threadpoolctl import threadpool_limits
    except ImportError as exc:
        raise RuntimeError("--threads needs threadpoolctl") from exc
    split = parallel.SPLIT_WORK
    if n == 1:
        parallel.SPLIT_WORK = float("inf")
    try:
        with threadpool_limits(limits=n, user_api="blas"):
            yield
    finally:
        parallel.SPLIT_WORK = split
