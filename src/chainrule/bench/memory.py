"""Peak memory of training: each contender in a fresh process, the peak resident memory reached
while building the network and running steps, above the process's memory after its imports.

Run as ``python -m chainrule.bench.memory CASE PEER THREADS STEPS``: prints the growth in bytes.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path


def _status(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's record of peak resident memory (Linux ≥ 4.0), so that the peak
    measured afterwards belongs to what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure(case_name: str, peer_name: str, threads: int, steps: int) -> dict:
    from .cases import cases_named, make_data
    from .peers import all_peers

    case = cases_named([case_name])[0]
    peer = {p.NAME: p for p in all_peers()}[peer_name]
    if peer_name == "PyTorch eager":
        import torch

        torch.set_num_threads(threads)
        torch.ones(2) + 1  # load the operator libraries before the baseline
    elif peer_name == "scikit-learn":
        import sklearn.neural_network  # noqa: F401
    import chainrule  # noqa: F401

    data = make_data(case)
    data_bytes = sum(x.nbytes for x in data.X) + sum(y.nbytes for y in data.Y)
    reset = _reset_peak()
    before = _status("VmRSS") or 0
    if not reset:
        before = max(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    runner = (
        peer.runner(case, data, threads)
        if peer_name != "PyTorch eager"
        else _torch_plain(case, data, threads)
    )
    runner.run(max(1, steps // runner.steps))
    peak = _status("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"growth": max(0, (peak or 0) - before), "data": data_bytes, "exact": reset}


def _torch_plain(case, data, threads):
    """PyTorch with its default optimizer implementation (no timing of variants here)."""
    from .peers import Runner, torch_eager

    torch = torch_eager.setup(threads)
    return Runner(torch_eager._step_maker(case, data, torch, {}))


def in_subprocess(
    case_name: str, peer_name: str, threads: int, steps: int = 5, timeout: float = 600
) -> dict | str:
    """:func:`measure` in a fresh interpreter; an error message instead when it fails."""
    source = Path(__file__).resolve().parents[2]  # the directory holding this chainrule
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "chainrule.bench.memory",
            case_name,
            peer_name,
            str(threads),
            str(steps),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["failed"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    case_name, peer_name, threads, steps = sys.argv[1:5]
    print(json.dumps(measure(case_name, peer_name, int(threads), int(steps))))
