"""The checkout's long-running checks, run as scripts (``python tools/fuzz.py``,
``python tools/crash.py``, ``python tools/error_catalogue.py``) and imported by the tests as
``tools.fuzz``, ``tools.crash`` and ``tools.error_catalogue``. They use the ``chainrule`` that
Python imports: the checkout's own when it is installed editable (``pip install -e ".[test]"``,
as the README's set-up does). docs/guarantees.md records their results.
"""
