"""Every option of every command says in its help what happens when it is not given."""

import argparse

import pytest

from chainrule.cli.main import build_parser


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices.items())


def _valued_options(command_parser):
    """The options that take a value (flags say what they do; positionals are required)."""
    return [
        action
        for action in command_parser._actions
        if action.option_strings and action.nargs != 0 and not action.required
    ]


@pytest.mark.parametrize("name, command_parser", _commands(), ids=lambda v: getattr(v, "prog", v))
def test_every_option_shows_its_default(name, command_parser):
    formatter = command_parser._get_formatter()
    missing = [
        action.option_strings[-1]
        for action in _valued_options(command_parser)
        if "default" not in formatter._expand_help(action)
    ]
    assert not missing, f"chainrule {name}: options whose help shows no default: {missing}"


def test_the_help_formatter_appends_the_default_and_leaves_a_stated_one():
    train = dict(_commands())["train"]
    help_text = train.format_help()
    assert "examples per step (default 32)" in " ".join(help_text.split())
    assert "(default 0) (default" not in help_text
