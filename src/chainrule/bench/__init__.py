"""chainrule's benchmark (``chainrule bench``): one training step of MLPs, timed against the
peers installed beside it (PyTorch eager, a hand-written NumPy δ recursion, scikit-learn's
MLPClassifier, micrograd for the scalar engine; ``pip install "chainrule[bench]"``), in one run.

:mod:`.run` runs it and prints the report or writes it to ``--out``; :mod:`.report` formats it;
:mod:`.cases` the networks, :mod:`.peers` the contenders, :mod:`.timing` the interleaved
medians. Nothing here is imported by the rest of chainrule except the ``bench`` command.
"""
