"""Measurements, not views of a trace: backprop's cost against the ways that do not reuse δ
(``dynamic_programming``), run for real with every multiplication counted. They stand in
explain because they answer the same question (why backprop) and print through the same
document writers and ``chainrule explain --view dp``."""
