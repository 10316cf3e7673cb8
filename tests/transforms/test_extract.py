from datetime import datetime, timezone
from pathlib import Path

import lxml.html

from winnow.schemas.config import ExtractOptions
from winnow.schemas.records import Article, ExtractionFailure
from winnow.transforms.extract import PageInput, extract_article, extract_batch
from winnow.transforms.hashing import article_id, sha256_hex

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pages" / "ferry-timetable.html"


def page(body: bytes, url: str = "https://gazette.example/news/2026/11/ferry-timetable?utm_source=rss") -> PageInput:
    return PageInput(url=url, final_url=url, source="gazette", body=body, language="sv")


def test_extracts_text_and_metadata():
    body = FIXTURE.read_bytes()
    article = extract_article(page(body))
    assert isinstance(article, Article)
    assert article.title == "Island ferry timetable cut for winter"
    assert article.authors == ["Mara Lind", "Tobias Ek"]
    assert article.published_at == datetime(2026, 11, 3, 6, 15, tzinfo=timezone.utc)
    assert article.language == "en"  # the page's own lang beats the source's fallback
    assert article.site_name == "The Test Gazette"
    assert article.description == "The operator will run four crossings a day from December."
    assert article.image == "https://gazette.example/img/ferry.jpg"
    assert article.text.startswith("The operator of the island ferry will cut")
    assert "About us" not in article.text and "Sport" not in article.text
    paragraphs = lxml.html.fromstring(body).xpath("//article/p/text()")
    assert article.text == "\n".join(paragraphs)
    assert article.word_count == sum(len(p.split()) for p in paragraphs)
    assert article.page_hash == sha256_hex(body)
    assert article.content_hash == sha256_hex(article.text)


def test_article_id_follows_the_canonical_url_not_the_fetched_one():
    article = extract_article(page(FIXTURE.read_bytes()))
    assert article.url == "https://gazette.example/news/2026/11/ferry-timetable"
    assert article.article_id == article_id("https://gazette.example/news/2026/11/ferry-timetable")
    assert article.fetched_url.endswith("?utm_source=rss")


def test_canonical_link_to_another_site_is_ignored():
    url = "https://mirror.example/copy-of-ferry"
    article = extract_article(page(FIXTURE.read_bytes(), url=url))
    assert article.url == url


def test_saved_file_takes_the_canonical_url_it_declares():
    article = extract_article(page(FIXTURE.read_bytes(), url=FIXTURE.as_uri()))
    assert article.url == "https://gazette.example/news/2026/11/ferry-timetable"


GERMAN_STORY = (
    "<html><head><title>Neue Fähre für die Insel</title></head><body><article>"
    "<p>Die Gemeinde hat am Dienstag eine neue Fähre bestellt, die ab dem nächsten Sommer zwischen dem Hafen"
    " und der Insel fahren soll.</p>"
    "<p>Nach Angaben des Bürgermeisters wird das Schiff doppelt so viele Fahrgäste befördern können wie das alte,"
    " und es fährt mit Strom statt mit Diesel.</p></article></body></html>"
)


def test_language_is_the_text_s_whatever_the_page_declares():
    english_declared_german = FIXTURE.read_bytes().replace(b' lang="en-GB"', b' lang="de"')
    assert extract_article(page(english_declared_german)).language == "en"
    assert extract_article(page(FIXTURE.read_bytes().replace(b' lang="en-GB"', b""))).language == "en"  # not "sv"
    assert extract_article(page(GERMAN_STORY.replace("<html>", '<html lang="en">').encode())).language == "de"


def test_pages_without_an_article_are_failures_with_reasons():
    empty, short, junk = extract_batch(
        [
            page(b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
            page(b"<html><body><article><p>Only a few words here.</p></article></body></html>"),
            page(b"\x00\x01\x02"),
        ]
    )
    assert isinstance(empty, ExtractionFailure) and empty.reason
    assert isinstance(short, ExtractionFailure) and "too short" in short.reason
    assert isinstance(junk, ExtractionFailure)


def test_min_words_is_a_setting():
    body = b"<html><body><article><p>Only a few words here but enough.</p></article></body></html>"
    assert isinstance(extract_article(page(body), ExtractOptions(min_words=3)), Article)


def test_same_input_same_record():
    body = FIXTURE.read_bytes()
    assert extract_article(page(body)) == extract_article(page(body))


def test_the_fallback_extractors_are_asked_only_where_the_fast_result_looks_incomplete(monkeypatch):
    import trafilatura

    calls: list[bool] = []
    real = trafilatura.bare_extraction

    def fast_finds(found: bool):
        def extraction(*args, options, **kwargs):  # winnow passes trafilatura's settings whole
            calls.append(options.fast)
            return real(*args, options=options, **kwargs) if found or not options.fast else None

        return extraction

    monkeypatch.setattr(trafilatura, "bare_extraction", fast_finds(True))
    assert isinstance(extract_article(page(FIXTURE.read_bytes())), Article) and calls == [True]
    calls.clear()
    monkeypatch.setattr(trafilatura, "bare_extraction", fast_finds(False))
    article = extract_article(page(FIXTURE.read_bytes()))
    assert isinstance(article, Article) and "ferry" in article.text and calls == [True, False]
