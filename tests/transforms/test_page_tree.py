import gzip

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from winnow.transforms.page_tree import page_tree

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour works</title><!-- a comment --></head>
<body><article><h1>Harbour works begin</h1><p>The council starts dredging the old harbour on Monday.</p>
<form action="/signup"><input type="email" name="mail"><select><option>daily</option></select></form>
</article></body></html>"""


def test_a_page_parses_as_trafilatura_parses_it_with_plain_element_classes():
    for body in (PAGE.encode(), gzip.compress(PAGE.encode()), PAGE.encode("utf-16")):
        tree, theirs = page_tree(body), load_html(body)
        assert etree.tostring(tree) == etree.tostring(theirs)
        assert {type(element) for element in tree.iter()} == {HtmlElement}  # the form and its fields too


def test_a_lone_fragment_is_not_a_page():
    assert page_tree(b"<p>only a line</p>") is None
    assert load_html(b"<p>only a line</p>") is None
