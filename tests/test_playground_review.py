"""Defects a stranger found trying the playground, each pinned by a test: the refusals and
numbers of the engine's modules as a person meets them in the page."""

import pytest

from chainrule.errors import ConfigError
from chainrule.playground.settings import read_settings


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("seed", "-1", "a whole number from 0 to 2147483647"),
        ("dataseed", "2147483648", "a whole number from 0 to 2147483647"),
        ("epochs", "-1", "a whole number from 0 to 100000"),
        ("lr", "0", "a number from 1e-05 to 10"),
    ],
)
def test_a_refused_setting_names_its_range_as_a_person_types_it(key, value, expected):
    # not "from 0 to 2.14748e+09": a bound the page's user cannot type back in
    with pytest.raises(ConfigError) as refused:
        read_settings({key: value})
    assert f"setting '{key}': expected {expected}, received '{value}'" == str(refused.value)
