"""benchmarks/accuracy.py: the quick mode on digits writes a well-formed results table, and the
command printed for each chainrule row builds exactly the configuration the row trains."""

from __future__ import annotations

import re

import pytest

from benchmarks import accuracy


def table(text: str, heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first Markdown table after ``heading``."""
    lines = text[text.index(heading) :].splitlines()[1:]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def percent(cell: str) -> float:
    match = re.fullmatch(r"(\d+\.\d\d) %", cell)
    assert match, cell
    return float(match.group(1)) / 100


@pytest.mark.slow
def test_quick_digits_writes_the_table(tmp_path, capsys):
    out = tmp_path / "results.md"
    assert accuracy.main(["--quick", "--only", "digits", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Accuracy results\n")
    assert "--quick --only digits" in text and "**Quick mode**" in text

    summary = table(text, "## Summary")
    header, rule, *rows = summary
    assert header[:4] == ["row", "recipe", "seeds", "test accuracy, mean ± std"]
    assert all(set(cell) <= set("-:") for cell in rule) and len(rule) == len(header)
    assert [r[0] for r in rows] == ["digits-default", "digits-tuned"]
    for row in rows:
        assert len(row) == len(header)
        assert row[2] == "0,1"
        mean = re.fullmatch(r"(\d+\.\d\d) ± (\d+\.\d\d) %", row[3])
        assert mean and 0.80 <= float(mean.group(1)) / 100 <= 1.0  # a sanity floor only
        assert row[7] == "97.50 %"
        assert re.fullmatch(r"(yes|no) \(mean; [0-2]/2 seeds\)", row[8])
        assert re.fullmatch(r"\d+\.\d s", row[6])

    for name in ("digits-default", "digits-tuned"):
        runs = table(text, f"### {name}")
        assert runs[0] == [
            "seed",
            "test accuracy",
            "validation accuracy",
            "epochs",
            "wall time",
            "CPU time",
            "threads",
        ]
        assert [r[0] for r in runs[2:]] == ["0", "1"]
        for r in runs[2:]:
            assert 0.80 <= percent(r[1]) <= 1.0 and 0.0 < percent(r[2]) <= 1.0
            assert r[3] == "5" and int(r[6]) >= 1
    assert "`chainrule train --epochs 5 --seed S`" in text

    machine = dict(row[:2] for row in table(text, "## Machine and libraries")[2:])
    for key in ("date", "cpu", "cores", "numpy", "torch", "chainrule"):
        assert machine[key]


def test_printed_commands_build_the_rows_configs():
    for row in accuracy.ROWS:
        if row.engine == "chainrule":
            for options in (row.options, row.quick):
                config = accuracy.check_command(options, 7)
                assert config.seed == 7
                assert accuracy.command_line(options, 7).startswith("chainrule train")


def test_only_selects_rows_and_groups():
    names = [r.name for r in accuracy.select(["fashion-book"])]
    assert names == [
        "fashion-book-30",
        "fashion-book-30-torch",
        "fashion-book-100",
        "fashion-book-100-torch",
    ]
    assert [r.name for r in accuracy.select(["fashion-book-30"])] == [
        "fashion-book-30",
        "fashion-book-30-torch",
    ]
    assert [r.name for r in accuracy.select(["digits-tuned", "digits"])] == [
        "digits-default",
        "digits-tuned",
    ]
    with pytest.raises(SystemExit, match="unknown row"):
        accuracy.select(["nope"])
