"""Streaming XML for the official list files: lxml `iterparse`, one record element at a time.

Each finished record is yielded with the line it starts on and then cleared (with the siblings before
it), so a list of any size streams in constant memory. Tags are compared without their namespace, since
the authorities change namespaces between versions. A file that is not well-formed XML is refused with its
line (`InputError`) when nothing was read from it yet, and otherwise ends with one `Rejected` row for the
rest of the file, so what was read still loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from lxml import etree

from ..errors import InputError
from .records import Rejected


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def root_tag(path: Path) -> str:
    """The local name of the document element ('' when the file is not XML)."""
    try:
        for _, el in etree.iterparse(str(path), events=("start",), recover=False, huge_tree=True):
            return local(el.tag)
    except etree.XMLSyntaxError:
        return ""
    return ""


def records(path: Path, tags: set[str], problems: list) -> Iterator[tuple[str, etree._Element]]:
    """(local tag, element) for every element whose local name is in `tags`, with el.sourceline set.
    A syntax error after the first record appends a Rejected to `problems` and ends the stream."""
    n = 0
    context = etree.iterparse(str(path), events=("end",), huge_tree=True, remove_comments=True,
                              tag=["{*}" + t for t in tags])
    try:
        for _, el in context:
            name = local(el.tag)
            n += 1
            yield name, el
            el.clear(keep_tail=False)
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as e:
        line = e.position[0] if e.position else 0
        if n == 0:
            raise InputError(f"{path}:{line}: not well-formed XML: {e.msg}") from None
        problems.append(Rejected(str(path), line, f"not well-formed XML, the rest of the file is unread: "
                                                  f"{e.msg}"))
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e}") from None


def text(el, *path: str) -> str:
    """The stripped text of the first descendant along local names `path` ('' when absent)."""
    node = el.find("/".join("{*}" + p for p in path))
    return "" if node is None else (node.text or "").strip()


def children(el, name: str) -> list:
    return el.findall("{*}" + name)


def descendants(el, name: str) -> list:
    return list(el.iter("{*}" + name))


def header_attrs(path: Path, max_events: int = 50) -> tuple[str, dict, list]:
    """The root element's local name and attributes, and the first few (tag, text) pairs after it: enough
    to find a publication date in a header without reading the file."""
    head: list[tuple[str, str]] = []
    root, attrs = "", {}
    try:
        for i, (ev, el) in enumerate(etree.iterparse(str(path), events=("start", "end"), huge_tree=True)):
            if ev == "start" and not root:
                root, attrs = local(el.tag), dict(el.attrib)
            elif ev == "end":
                head.append((local(el.tag), (el.text or "").strip()))
            if i > max_events:
                break
    except etree.XMLSyntaxError:
        pass
    return root, attrs, head
