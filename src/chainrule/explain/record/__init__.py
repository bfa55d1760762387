"""The record: one forward and backward pass with every number (``trace``), the autodiff
graph it ran (``graph_record``), the book's formulas it is checked against (``forms``) and
how its numbers are written (``notation``). Everything else in explain reads this room."""
