"""``chainrule demo book``: the book's worked examples, printed as the book prints them."""

from __future__ import annotations

NAME = "demo"
HELP = "run one of the book's worked examples (default: book, the 3-4-1 network)"
DEMOS = ("book",)


def add_arguments(parser) -> None:
    parser.add_argument(
        "example",
        nargs="?",
        default="book",
        choices=DEMOS,
        help="which example (book: the 3-4-1 sigmoid network of the "
        "'Neural Network Implementation' chapter)",
    )


def run(args) -> int:
    from ...demo.book import render, run_book_example

    print(render(run_book_example()))
    return 0
