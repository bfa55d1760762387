import numpy as np
import pytest
from hypothesis import settings
from quick_lane import is_quick_lane, marked_slow_as_a_whole

settings.register_profile("default", deadline=None, max_examples=60)
settings.load_profile("default")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def pytest_ignore_collect(collection_path, config):
    """In the quick lane, a module marked slow as a whole is left unimported (quick_lane.py)."""
    if collection_path.suffix == ".py" and is_quick_lane(config.option.markexpr or ""):
        if marked_slow_as_a_whole(collection_path):
            return True
    return None
