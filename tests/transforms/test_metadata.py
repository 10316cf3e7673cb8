"""winnow's metadata is trafilatura's, field for field, without the parts winnow does not keep."""

from __future__ import annotations

import pytest
import trafilatura
from trafilatura.metadata import JSON_MINIFY
from trafilatura.utils import load_html

from tests.support.demo_site import GROUND_TRUTH
from winnow.demo.server import SITE_ROOT
from winnow.transforms.extract import _DATE_PARAMS
from winnow.transforms.metadata import minified_json, page_metadata

FIELDS = ("title", "author", "date", "sitename", "description", "image", "url")


@pytest.mark.parametrize("path", sorted(GROUND_TRUTH))
def test_page_metadata_matches_trafilatura_on_every_kept_field(path):
    html = (SITE_ROOT / path).read_bytes()
    url = f"https://demo.example/{path}"
    theirs = trafilatura.bare_extraction(
        load_html(html), url=url, with_metadata=True, date_extraction_params=_DATE_PARAMS
    )
    ours = page_metadata(load_html(html), url, _DATE_PARAMS)
    assert {f: getattr(ours, f) for f in FIELDS} == {f: getattr(theirs, f) for f in FIELDS}
    assert ours.title == GROUND_TRUTH[path]["title"]


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "@type": "NewsArticle",\n  "headline": "Ferry  service\tresumes",\n  "wordCount": 420\n}',
        '{"name": "a \\"quoted\\" word", \r\n "list": [ 1 , 2 ]}',  # escaped quotes inside a string
        '{"author":\u00a0"Ana\u2003Ruiz"\u3000}',  # no-break and ideographic spaces outside and inside
        '{"a": "closed", "b": "never closed \n  ok',  # an unterminated string: its spaces go too
        '\x1c{ "x" :\x1f"y" }\x0b',  # the separators that are whitespace to Python
        "",
    ],
)
def test_json_ld_is_minified_as_trafilatura_minifies_it(text):
    assert minified_json(text) == JSON_MINIFY.sub(r"\1", text)
