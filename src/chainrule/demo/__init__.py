"""The book's worked examples, run by ``chainrule demo``."""
