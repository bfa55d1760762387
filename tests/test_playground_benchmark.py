"""benchmarks/playground.py: a --tiny run goes through every measurement (the engine, a real
``chainrule serve`` with 1 and 2 WebSocket clients, a client that never reads) and reports every
field without touching docs/performance.md; the section it writes replaces only itself; the
WebSocket frames its silent client writes by hand are well formed. No timed assertions."""

from __future__ import annotations

import json

import pytest

for module in ("starlette", "uvicorn", "websockets"):
    pytest.importorskip(
        module, reason='the playground needs the web extra (pip install -e ".[web]")'
    )

from benchmarks import playground as bench  # noqa: E402

CLIENT_FIELDS = {
    "frames",
    "frames_per_s",
    "steps_per_s",
    "frame_bytes",
    "largest_frame_bytes",
    "longest_gap_s",
}


def test_a_tiny_run_reports_every_field_and_writes_nothing(tmp_path, capsys):
    before = bench.DOC.read_bytes()
    out = tmp_path / "report.json"
    not_built = tmp_path / "dist"
    not_built.mkdir()
    assert bench.main(["--tiny", "--json", str(out), "--tf-dist", str(not_built)]) == 0
    assert bench.DOC.read_bytes() == before
    report = json.loads(out.read_text(encoding="utf-8"))

    engine = report["engine"]
    assert engine["network"] == "2-8-8-2"
    assert (engine["examples_per_step"], engine["train_examples"]) == (10, 250)
    assert engine["steps"] > 0 and engine["steps_per_s"] > 0 and engine["epochs_per_s"] > 0
    assert engine["frame_bytes"] > 1000 and engine["frame_ms"] > 0
    assert engine["stopped"] is None

    server = report["server"]
    assert sorted(server["clients"]) == ["1", "2"]
    for count, rows in server["clients"].items():
        assert len(rows) == int(count)
        for row in rows:
            assert set(row) == CLIENT_FIELDS
    assert set(server["beside_reader"]) == CLIENT_FIELDS
    assert set(server["beside_silent"]) == CLIENT_FIELDS
    assert server["frames_per_second_limit"] > 0
    assert report["tf_playground"] is None
    assert report["machine"]["cores"] >= 1 and report["machine"]["cpu"]

    captured = capsys.readouterr()
    assert f"TensorFlow Playground not measured: {not_built} is not a built" in captured.err
    printed = captured.out
    assert printed.startswith(bench.BEGIN) and bench.END in printed
    assert "| chainrule, `chainrule serve`, one page |" in printed
    assert "| chainrule, `chainrule serve`, each of 2 pages at once |" in printed
    assert "not measured in this run" in printed


def test_a_tiny_run_refuses_to_write(capsys):
    with pytest.raises(SystemExit) as stop:
        bench.main(["--tiny", "--write"])
    assert stop.value.code == 2
    assert "--tiny never writes" in capsys.readouterr().err


def report(tf=None) -> dict:
    client = {
        "frames": 100,
        "frames_per_s": 10.0,
        "steps_per_s": 5000.0,
        "frame_bytes": 51200,
        "largest_frame_bytes": 60000,
        "longest_gap_s": 0.15,
    }
    return {
        "machine": {"cpu": "Some CPU", "cores": 2, "load": "0.50, 0.40, 0.30"},
        "measured": "2026-12-02",
        "seconds": 10.0,
        "engine": {
            "network": "2-8-8-2",
            "examples_per_step": 10,
            "train_examples": 250,
            "steps_per_s": 6000.0,
            "epochs_per_s": 240.0,
            "frame_ms": 4.0,
            "frame_bytes": 46080,
        },
        "server": {
            "clients": {"1": [client], "2": [client, {**client, "steps_per_s": 3000.0}]},
            "beside_reader": client,
            "beside_silent": {**client, "frames_per_s": 9.5},
            "frames_per_second_limit": 12.0,
        },
        "tf_playground": tf,
    }


def test_the_section_sets_steps_beside_tf_playgrounds_weight_updates():
    tf = {
        "chromium": "Chromium 1.2.3",
        "measured": "2026-12-02 18:00 UTC",
        "results": [
            {
                "mode": "page",
                "updates_per_s": 625.0,
                "epochs_per_s": 25.0,
                "frames_per_s": 25.0,
                "idle_frames_per_s": 60.0,
                "ms_per_iteration": 40.0,
            },
            {
                "mode": "engine",
                "updates_per_s": 50000.0,
                "epochs_per_s": 2000.0,
                "frames_per_s": None,
                "ms_per_iteration": 0.5,
            },
            {
                "mode": "engine+grid",
                "updates_per_s": 1625.0,
                "epochs_per_s": 65.0,
                "frames_per_s": None,
                "ms_per_iteration": 15.4,
            },
        ],
    }
    text = bench.section(report(tf))
    rows = [line for line in text.splitlines() if line.startswith("| ")][2:]  # the rows
    assert (
        rows[0] == "| TensorFlow Playground, headless Chromium, as shipped | 625 | 25.0 | 25 | — |"
    )
    assert (
        rows[1] == "| TensorFlow Playground, its engine alone (Node) | 50,000 | 2,000.0 | — | — |"
    )
    assert (
        "| chainrule, `PlaygroundRun.train` alone | 6,000 | 240.0 | — | 4.0 ms to build, 45 KiB |"
        in rows
    )
    # steps/s × 10 examples ÷ 250 training examples = epochs/s; the mean over the pages
    assert (
        "| chainrule, `chainrule serve`, each of 2 pages at once | 4,000 | 160.0 | 10.0 | 50 KiB |"
        in rows
    )
    assert "the reading page got 9.5 frames/s and 5,000 steps/s" in text
    assert (
        "the pages received 10.0 to 10.0 a second (the target, at least 10 a second: met)" in text
    )
    assert "idle, headless Chromium gives 60 frames/s" in text
    # 5000 steps/s of one page ÷ 625 updates/s of the page; 50000 of Node's engine ÷ 6000
    assert "One page of `chainrule serve` trains 8× as many steps a second" in text
    assert "drawing nothing, 8.3× as many as `PlaygroundRun.train`" in text
    assert (
        "0.50 ms per epoch in Node, the losses and the 100×100 grid through every unit 15 ms"
        in text
    )


def test_the_section_replaces_only_itself(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nthe rest of the report\n", encoding="utf-8")
    first = bench.section(report())
    bench.write_section(first, doc)
    assert doc.read_text(encoding="utf-8") == "# Performance\n\nthe rest of the report\n\n" + first
    second = first.replace("Some CPU", "Another CPU")
    bench.write_section(second, doc)
    text = doc.read_text(encoding="utf-8")
    assert text == "# Performance\n\nthe rest of the report\n\n" + second
    assert bench.kept_section(text) == second
    assert bench.kept_section("# Performance\n") is None


def test_fewer_frames_than_the_target_are_called_not_met():
    server = report()["server"]
    server["clients"]["2"][1] = {**server["clients"]["2"][1], "frames_per_s": 7.5}
    assert bench.frames_note(server).endswith(
        "received 7.5 to 10.0 a second (the target, at least 10 a second: **not met**)."
    )


@pytest.mark.parametrize("size", [5, 125, 126, 300])
def test_the_silent_clients_frames_are_masked_text_frames(size):
    text = "x" * size
    frame = bench.text_frame(text)
    assert frame[0] == 0x81  # FIN, text
    assert frame[1] & 0x80  # masked, as a client must
    length = frame[1] & 0x7F
    start = 2
    if length == 126:
        length, start = int.from_bytes(frame[2:4], "big"), 4
    assert length == size
    mask, payload = frame[start : start + 4], frame[start + 4 :]
    assert bytes(b ^ mask[i % 4] for i, b in enumerate(payload)).decode() == text
