"""Sanitise an SVG logo: parse it safely, keep only plain drawing, write it out again.

An SVG is a program for the renderer more than a picture: ``<use>`` repeats content (a 2 KB file
of nested ``<use>`` ran WeasyPrint for 126 s and 842 MB, and one that uses itself never ended),
``<image>``, ``href`` and CSS ``url()`` fetch, ``<script>`` and ``<foreignObject>`` run or embed,
and a DTD expands entities. So the logo is parsed with defusedxml (no DTD, no entities, no
external references; the standard library's expat parser alone would expand entities) and
checked against an allow-list of drawing elements and presentation attributes, with bounds on
elements and nesting. What is refused is an exit-2 error at its line and column; what passes is
serialised again from the checked events, so the renderer never sees anything that was not
checked (comments, processing instructions and unknown namespaces are gone).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.saxutils import escape, quoteattr
from xml.sax.xmlreader import AttributesNSImpl, Locator

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from secreview.errors import InputError

SVG_NS = "http://www.w3.org/2000/svg"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_ELEMENTS = 5000
MAX_DEPTH = 40

ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "title", "desc", "defs", "linearGradient", "radialGradient", "stop", "clipPath",
})
"""Shapes, text, grouping and gradients: enough for a logo, nothing that repeats or fetches."""

ATTRIBUTES = frozenset({
    "id", "class", "version", "width", "height", "viewBox", "preserveAspectRatio", "x", "y",
    "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "dx", "dy", "d", "points",
    "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "opacity", "color", "font-family", "font-size",
    "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
    "spreadMethod", "clip-path", "clip-rule", "clipPathUnits", "visibility", "display", "style",
})
"""Geometry and presentation; no event handlers, no ``href``, no filters or masks."""

# url() may only point inside the document (a gradient or a clip path by #id).
_URL = re.compile(r"url\s*\(", re.IGNORECASE)
_LOCAL_URL = re.compile(r"url\s*\(\s*#[A-Za-z_][\w.-]*\s*\)", re.IGNORECASE)


class _Refused(Exception):
    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion
        self.position: tuple[int, int] | None = None  # where the refused element starts


@dataclass
class _Sanitiser(ContentHandler):
    """Checks each parse event against the allow-list and writes the clean SVG as it goes."""

    out: io.StringIO = field(default_factory=io.StringIO)
    locator: Locator | None = None
    elements: int = 0
    depth: int = 0

    def __post_init__(self) -> None:
        super().__init__()

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def position(self) -> tuple[int, int] | None:
        """1-based line and column of the event being handled."""
        if self.locator is None:
            return None
        line, column = self.locator.getLineNumber(), self.locator.getColumnNumber()
        return (line, column + 1) if line is not None and column is not None else None

    def startElementNS(self, name: tuple[str | None, str], qname: str | None,
                       attrs: AttributesNSImpl) -> None:
        try:
            self._start(name, qname, attrs)
        except _Refused as exc:
            exc.position = self.position()  # now: once unwound, expat is past the start tag
            raise

    def _start(self, name: tuple[str | None, str], qname: str | None,
               attrs: AttributesNSImpl) -> None:
        uri, local = name
        if uri not in (SVG_NS, None, ""):
            raise _Refused(f"element <{qname or local}> from another namespace ({uri}) is not "
                           "allowed in a logo")
        if self.depth == 0 and local != "svg":
            raise _Refused(f"the root element is <{local}>, not <svg>")
        if local not in ELEMENTS:
            hint = ("<use> repeats other content, without bound when nested: draw the shapes "
                    "directly (most editors can 'unlink' or 'expand' clones)"
                    if local == "use" else
                    "save the logo as plain SVG, or as PNG; allowed elements: "
                    + ", ".join(sorted(ELEMENTS)))
            raise _Refused(f"element <{local}> is not allowed in a logo", hint)
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_ELEMENTS:
            raise _Refused(f"the logo has more than {MAX_ELEMENTS} elements",
                           "simplify it, or export it as PNG")
        if self.depth > MAX_DEPTH:
            raise _Refused(f"the logo is nested more than {MAX_DEPTH} levels deep")
        written = [f" xmlns={quoteattr(SVG_NS)}"] if self.depth == 1 else []
        for (attr_uri, attr_local), value in attrs.items():
            written.append(" " + _attribute(attr_uri, attr_local, value))
        self.out.write(f"<{local}{''.join(written)}>")

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        self.depth -= 1
        self.out.write(f"</{name[1]}>")

    def characters(self, content: str) -> None:
        self.out.write(escape(content))

    def processingInstruction(self, target: str, data: str) -> None:
        refused = _Refused(f"processing instruction <?{target}?> is not allowed in a logo",
                           "remove it (an xml-stylesheet instruction would load a style sheet)")
        refused.position = self.position()
        raise refused


def _attribute(uri: str | None, local: str, value: str) -> str:
    """One checked attribute, written out; raises :class:`_Refused` for anything else."""
    if uri == XML_NS and local == "space":
        return f"xml:space={quoteattr(value)}"
    if uri not in (None, "") or local not in ATTRIBUTES:
        shown = f"{{{uri}}}{local}" if uri else local
        hint = ("a logo may not refer to other files or to other parts of itself"
                if local == "href" else None)
        raise _Refused(f"attribute '{shown}' is not allowed in a logo", hint)
    if "\\" in value or (local == "style" and ("@" in value or "expression" in value.lower())):
        raise _Refused(f"attribute '{local}' may hold only plain values (no CSS escapes, @rules "
                       "or expressions)", "use presentation attributes such as fill='#1e3a5f'")
    if len(_URL.findall(value)) != len(_LOCAL_URL.findall(value)):
        raise _Refused(f"attribute '{local}' refers outside the logo ({value[:80]!r})",
                       "only url(#id) references to gradients or clip paths in the logo itself "
                       "are allowed")
    return f"{local}={quoteattr(value)}"


def sanitise_svg(data: bytes, source: str) -> bytes:
    """The logo ``data`` rewritten with only allowed elements and attributes, or an exit-2
    :class:`InputError` located at the first thing that is refused."""
    handler = _Sanitiser()
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    except _Refused as exc:
        line, column = exc.position or (None, None)
        raise InputError.single(str(exc), file=source, line=line, column=column,
                                suggestion=exc.suggestion) from None
    except DefusedXmlException as exc:
        line, column = handler.position() or (None, None)  # at the declaration refused
        raise InputError.single(
            f"the logo declares a DTD or entities, which are not allowed ({type(exc).__name__})",
            file=source, line=line, column=column,
            suggestion="save the logo as plain SVG without a DOCTYPE") from None
    except SAXParseException as exc:
        line, column = exc.getLineNumber(), exc.getColumnNumber()
        raise InputError.single(f"the logo is not well-formed SVG: {exc.getMessage()}",
                                file=source, line=line,
                                column=column + 1 if column is not None else None) from None
    if handler.elements == 0:
        raise InputError.single("the logo has no <svg> element", file=source)
    return handler.out.getvalue().encode("utf-8")
