"""What a view says, independent of how it is printed: sections of prose, equations, tables,
notes and figures. The text, Markdown, HTML and JSON writers each print a :class:`Document`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .expr import Expr


@dataclass
class Prose:
    """A sentence or two (plain text; the book's symbols are Unicode characters)."""

    text: str


@dataclass
class Display:
    """An equation on its own line(s)."""

    expr: Expr


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    #: per column, whether it holds numbers (right-aligned)
    numeric: list[bool] = field(default_factory=list)


@dataclass
class Note:
    """A remark set apart: ``kind`` is "info", "ok" (a check passed) or "fail"."""

    text: str
    kind: str = "info"


@dataclass
class Figure:
    """A picture: ``svg`` (inline SVG) and/or ``html`` (an interactive piece, e.g. a
    step-through), and ``text`` (the same in characters, for the terminal and Markdown);
    writers without pictures print ``caption`` and how to get it."""

    caption: str
    svg: str = ""
    html: str = ""
    hint: str = ""
    text: str = ""


@dataclass
class Section:
    title: str
    parts: list = field(default_factory=list)
    key: str = ""  # an anchor name for HTML
    level: int = 2

    def add(self, *parts) -> Section:
        self.parts.extend(parts)
        return self


@dataclass
class Document:
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # ("network", "3→4→1"), ...
    sections: list[Section] = field(default_factory=list)

    def add(self, section: Section) -> Section:
        self.sections.append(section)
        return section

    def failed_checks(self) -> list[str]:
        """The text of every failed check ("fail" note) in the document, in order."""
        return [
            part.text
            for section in self.sections
            for part in section.parts
            if isinstance(part, Note) and part.kind == "fail"
        ]

    def extend(self, other: Document) -> Document:
        """Append another document's sections (its facts, where new, too)."""
        known = {key for key, _ in self.facts}
        self.facts.extend(fact for fact in other.facts if fact[0] not in known)
        self.sections.extend(other.sections)
        return self
