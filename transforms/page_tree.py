"""A page's HTML parsed as trafilatura's `load_html` parses it, with lxml's element classes
chosen in C.

lxml.html picks each element's Python class (a form, an input...) with a Python call every time
an element is touched, and the extraction, its metadata and the chaff detectors touch every
element of the page several times: that call is a twentieth of the extraction's time. Nothing
winnow or trafilatura reads uses the form classes' extras, so every element is a plain
`HtmlElement`, and the extraction's output is the same.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

# trafilatura's HTML_PARSER settings.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def page_tree(body: bytes) -> HtmlElement | None:
    """The page's tree, or None where it is not HTML; the steps of trafilatura's `load_html`
    (decode, repair, parse the text, else its UTF-8 bytes, reject a lone fragment)."""
    html = decode_file(body)
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    try:
        tree = lxml.html.fromstring(html, parser=_PARSER)
    except Exception:  # noqa: BLE001 - as trafilatura: a text declaring its encoding is parsed as bytes
        tree = None
    if tree is None or len(tree) < 1:
        try:
            tree = lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
        except Exception:  # noqa: BLE001 - not parseable at all
            return None
    if is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree
