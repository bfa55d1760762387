"""The explain page of one example (``/explain`` of ``chainrule serve``): the form, the
explanation, the data routes, the errors — fetched through Starlette's test client."""

from __future__ import annotations

import json

import pytest
from html_tools import fetched, parse_html

pytest.importorskip("starlette", reason='the playground needs its extra: pip install -e ".[web]"')
pytest.importorskip("httpx2", reason="Starlette's test client needs httpx2")

from starlette.testclient import TestClient  # noqa: E402

from chainrule.playground.app import make_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with TestClient(make_app(), base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture(scope="module")
def url(client):
    return "/explain"


@pytest.fixture(autouse=True)
def _client(client):
    global CLIENT
    CLIENT = client


def get(url: str):
    response = CLIENT.get(url)
    return response.status_code, dict(response.headers), response.text


def test_the_page_explains_the_books_network(url):
    status, headers, body = get(url)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["content-security-policy"]
    root = parse_html(body)
    assert fetched(root) == ["/explain"]  # nothing is loaded; the form asks the page itself
    forms = list(root.iter("form"))
    assert (
        len(forms) == 1 and forms[0].attrs["action"] == "/explain"
    )  # the form asks the page itself
    assert len(list(root.iter("math"))) > 30
    steppers = [e for e in root.iter("div") if "stepper" in e.attrs.get("class", "")]
    assert len(steppers) == 2  # the δ flowing back, and the one path
    assert "the book's 3-4-1 network, example 0" in root.all_text()
    # the form as it arrives when only submitted: the book's own settings, blank layers
    submitted = get(url + "?layers=&activation=sigmoid&cost=mse&seed=&bias=on&bias=off")
    assert submitted[0] == 200
    assert "the book's 3-4-1 network, example 0" in parse_html(submitted[2]).all_text()


def test_the_page_explains_a_network_set_up_in_the_form(url):
    status, _, body = get(
        url + "?layers=2,3,2&activation=tanh&cost=ce&input=0.5,-1&target=1&seed=3&bias=on"
    )
    assert status == 200
    text = parse_html(body).all_text()
    assert "Sequential(2→3→2): Dense(2→3) tanh" in text
    assert "δ2=p2−y" in text  # Step 1 of softmax cross-entropy, as MathML tokens
    assert 'value="2,3,2"' in body and "<option selected>tanh</option>" in body


def test_every_number_comes_from_one_trace(url):
    status, _, body = get(url + "/trace.json?layers=2,2&input=1,2&target=0,1&seed=1")
    assert status == 200
    data = json.loads(body)
    assert data["all_checks_pass"] and data["x"] == [[1.0, 2.0]]
    _, _, text = get(url + "/steps.txt?layers=2,2&input=1,2&target=0,1&seed=1")
    delta = data["layers"][0]["delta"][0]
    assert f"{delta[0]:.4f}" in text or f"{delta[0]:.5f}" in text


@pytest.mark.parametrize(
    "query, message",
    [
        ("?layers=2,x", "layer sizes must be integers"),
        ("?layers=2,200,1", "at most 8 layers of 32 units"),
        ("?input=1,2", "expects (3,) for one example"),
        ("?layers=2,2&activation=swish", "activation must be one of"),
        # the book's example keeps its own network: a fresh network's setting is refused, not
        # ignored while the form shows it chosen
        (
            "?layers=&activation=tanh&cost=mse&seed=",
            "activation tanh: the book's example brings "
            "its own network (3-4-1, sigmoid, no biases), "
            "so the setting would be ignored; give layers "
            "(e.g. 3,4,1) for a fresh network",
        ),
        ("?cost=ce", "cost ce: the book's example brings its own network"),
        ("?seed=4", "seed 4: the book's example brings its own network"),
    ],
)
def test_bad_settings_show_the_error_in_the_page(url, query, message):
    status, _, body = get(url + query)
    assert status == 400
    root = parse_html(body)
    assert message in root.all_text()
    assert len(list(root.iter("form"))) == 1  # the form stays, to fix the setting


def test_the_data_routes_answer_errors_in_one_line(url):
    status, _, body = get(url + "/trace.json?input=1,2")
    assert status == 400 and body.startswith("error: trace: the example x has shape (2,)")
    assert get(url + "/nothing-here")[0] == 404
    assert get("/health")[2] == "ok\n"


def test_one_output_with_the_softmax_cost_is_a_400_not_a_zero_cost(url):
    status, _, body = get(url + "/trace.json?layers=2,3,1&cost=ce")
    assert status == 400
    assert body.startswith("error: the softmax cross-entropy needs at least two outputs")
