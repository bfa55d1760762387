"""One module per ``chainrule`` command."""
