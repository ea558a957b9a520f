"""Checks every drawing test shares: well-formed XML, named for screen readers, CSP-safe."""

from __future__ import annotations

import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse a drawing; raises if it is not well-formed XML."""
    return ET.fromstring(svg)  # noqa: S314 - our own output, never untrusted input


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(NS)


def assert_accessible_and_csp_safe(svg: str, svg_id: str) -> ET.Element:
    """The outer <svg> is an image named by its <title> and <desc>, scales, and needs no CSS."""
    root = parse(svg)
    assert tag(root) == "svg"
    assert root.get("role") == "img"
    assert root.get("id") == svg_id
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None and root.get("height") is None
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert all(i.startswith(svg_id) for i in ids)
    for element in root.iter():
        assert "style" not in element.attrib, "style attributes are blocked by the CSP"
        assert tag(element) not in {"script", "style", "foreignObject"}
        assert not any(name.startswith("on") for name in element.attrib)
    return root


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}title")]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]
