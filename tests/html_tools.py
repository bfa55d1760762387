"""Tools for the tests of HTML output: a strict parse (every element closed in order) and
the list of everything a page would fetch."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Element:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.text = ""

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)


class StrictParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.current.tag}>")
            return
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.text += data


def parse_html(text: str) -> Element:
    """Parse ``text``; fail if any element is left open or closed out of order."""
    parser = StrictParser()
    parser.feed(text)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert parser.current is parser.root, f"<{parser.current.tag}> is never closed"
    return parser.root


def fetched(root: Element) -> list[str]:
    """Every URL the page would load: src/href on any element, <link>, CSS url(...)."""
    urls = []
    for element in root.iter():
        for name in ("src", "href", "data", "action", "poster"):
            value = element.attrs.get(name)
            if value is not None and not value.startswith("#") and value not in ("/",):
                urls.append(value)
        if element.tag == "style" and "url(" in element.all_text():
            text = element.all_text()
            urls += [
                part.split(")")[0] for part in text.split("url(")[1:] if not part.startswith("#")
            ]
    return urls
