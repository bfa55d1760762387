"""The ``chainrule`` command line: one module per command under :mod:`.commands`."""
