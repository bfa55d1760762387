"""The playground's settings: defaults, the URL round trip, and every refusal naming the key,
what it allows and what it received."""

import pytest

from chainrule.errors import ConfigError
from chainrule.playground.settings import SCHEMA, Settings, read_settings


def test_defaults_are_tensorflow_playgrounds():
    s = read_settings({})
    assert s == Settings()
    assert (s.data, s.noise, s.points, s.test) == ("circles", 0.0, 500, 0.5)
    assert (s.features, s.layers, s.activation, s.lr, s.batch) == (
        ("x1", "x2"),
        (4, 2),
        "tanh",
        0.03,
        10,
    )
    assert s.to_query() == {}


def test_every_schema_default_is_the_settings_default():
    default = Settings()
    for key, spec in SCHEMA.items():
        value = getattr(default, key)
        expected = tuple(spec["default"]) if spec["type"] == "list" else spec["default"]
        if key == "layers":
            expected = tuple(int(s) for s in spec["default"].split(","))
        assert value == expected, key


def test_query_round_trip():
    query = {
        "data": "blobs",
        "classes": "5",
        "noise": "12.5",
        "features": "x1,x2,x1x2,sinx2",
        "layers": "8,8,3",
        "activation": "relu",
        "optimizer": "adam",
        "lr": "0.001",
        "batch": "32",
        "l2": "0.0001",
        "seed": "42",
    }
    s = read_settings(query)
    assert s.layers == (8, 8, 3) and s.classes == 5 and s.features == ("x1", "x2", "x1x2", "sinx2")
    again = read_settings(s.to_query())
    assert again == s
    assert set(s.to_query()) == set(query)


def test_no_hidden_layer_and_features_in_schema_order():
    s = read_settings({"layers": "", "features": "sinx1, x1"})
    assert s.layers == () and s.features == ("x1", "sinx1")


def test_regression_takes_mse_unless_told():
    assert read_settings({"data": "regression"}).cost == "mse"
    assert read_settings({"data": "regression"}).task == "regression"


@pytest.mark.parametrize(
    "query, words",
    [
        ({"colour": "red"}, ["unknown setting 'colour'", "data, classes"]),
        ({"data": "mnist"}, ["'data'", "one of circles, xor", "'mnist'"]),
        ({"points": "ten"}, ["'points'", "a whole number from 20 to 2000", "'ten'"]),
        ({"points": "19"}, ["'points'", "from 20 to 2000", "'19'"]),
        ({"points": "2001"}, ["'points'", "'2001'"]),
        ({"points": "1.5"}, ["'points'", "whole number", "'1.5'"]),
        ({"noise": "nan"}, ["'noise'", "a number from 0 to 50", "'nan'"]),
        ({"noise": "-1"}, ["'noise'", "'-1'"]),
        ({"lr": "inf"}, ["'lr'", "from 1e-05 to 10", "'inf'"]),
        ({"lr": "0"}, ["'lr'", "'0'"]),
        ({"lr": "11"}, ["'lr'", "'11'"]),
        ({"test": "0.95"}, ["'test'", "from 0.1 to 0.9", "'0.95'"]),
        ({"batch": "0"}, ["'batch'", "from 1 to 500", "'0'"]),
        ({"dropout": "1"}, ["'dropout'", "from 0 to 0.9", "'1'"]),
        ({"l2": "2"}, ["'l2'", "'2'"]),
        ({"epochs": "-1"}, ["'epochs'", "'-1'"]),
        ({"target": "x"}, ["'target'", "'x'"]),
        ({"seed": "-3"}, ["'seed'", "'-3'"]),
        ({"dataseed": "99999999999"}, ["'dataseed'", "'99999999999'"]),
        ({"activation": "softmax"}, ["'activation'", "sigmoid, tanh, relu, identity"]),
        ({"cost": "bce"}, ["'cost'", "one of ce, mse", "'bce'"]),
        ({"optimizer": "rmsprop"}, ["'optimizer'", "sgd, momentum, adam"]),
        ({"layers": "4,17"}, ["'layers'", "0 to 6 sizes from 1 to 16", "'4,17'"]),
        ({"layers": "1,1,1,1,1,1,1"}, ["'layers'", "'1,1,1,1,1,1,1'"]),
        ({"layers": "4,,2"}, ["'layers'", "'4,,2'"]),
        ({"layers": "0"}, ["'layers'", "'0'"]),
        ({"layers": "a"}, ["'layers'", "'a'"]),
        ({"features": "x3"}, ["'features'", "one of x1, x2, x1sq", "'x3'"]),
        ({"features": ""}, ["'features'", "''"]),
        ({"features": "x1,x1"}, ["'features'", "'x1,x1'"]),
        ({"classes": "4"}, ["'classes'", "only the blobs set", "circles", "'4'"]),
        ({"data": "blobs", "classes": "6"}, ["'classes'", "from 3 to 5", "'6'"]),
        ({"data": "digits", "features": "x1"}, ["'features'", "2-D sets", "'digits'"]),
        ({"data": "regression", "cost": "ce"}, ["'cost'", "regression", "mse", "'ce'"]),
    ],
)
def test_refusals_name_key_range_and_value(query, words):
    with pytest.raises(ConfigError) as caught:
        read_settings(query)
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))


def test_a_value_that_is_not_text_is_refused():
    with pytest.raises(ConfigError, match="setting 'points': expected text, received int"):
        read_settings({"points": 5})


def test_the_schema_is_json_and_the_empty_network_round_trips():
    import json

    assert json.loads(json.dumps(SCHEMA))["layers"]["max_units"] == 16
    s = read_settings({"layers": "", "lr": "0.1", "data": "regression"})
    assert s.to_query() == {"layers": "", "lr": "0.1", "data": "regression", "cost": "mse"}
    assert read_settings(s.to_query()) == s


@pytest.mark.parametrize(
    "query, field",
    [
        ({"colour": "red"}, None),
        ({"lr": "x"}, "lr"),
        ({"layers": "99"}, "layers"),
        ({"classes": "4"}, "classes"),
        ({"data": "digits", "features": "x1"}, "features"),
        ({"data": "regression", "cost": "ce"}, "cost"),
    ],
)
def test_each_refusal_names_its_field(query, field):
    with pytest.raises(ConfigError) as caught:
        read_settings(query)
    assert caught.value.field == field
