"""winnow's metadata is trafilatura's, field for field, without the parts winnow does not keep."""

from __future__ import annotations

import pytest
import trafilatura
from trafilatura.utils import load_html

from tests.support.demo_site import GROUND_TRUTH
from winnow.demo.server import SITE_ROOT
from winnow.transforms.extract import _DATE_PARAMS
from winnow.transforms.metadata import page_metadata

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
