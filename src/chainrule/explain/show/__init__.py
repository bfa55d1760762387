"""Where the explanation is shown: what to explain (``problem``: the book's example, a
network from options, a checkpoint), the whole page of one trace (``page``), notebook
display (``notebook``) and the playground server (``playground``)."""
