"""The chaff rules that work in any language (markup and neighbours), and those that keep the
grain: name cards inside sentences, a label with a linked headline, removals that must prove
themselves, rows of the article's own lists, the lead put back."""

from __future__ import annotations

from tests.support.pages import extracted, paragraphs
from winnow.transforms.chaff.lexicon import parse_lexicon
from winnow.transforms.extract import extract_text

DUTCH = [
    "De gemeenteraad heeft dinsdagavond ingestemd met een nieuw plan voor de haven, waarin de oude"
    " loodsen plaatsmaken voor woningen, een school en een park langs het water.",
    "Volgens de wethouder kunnen de eerste bewoners over vier jaar in hun huis, als de bodem op tijd"
    " is gesaneerd en de provincie de benodigde vergunningen afgeeft.",
    "De oppositie vindt het plan te duur en wil dat er eerst een onafhankelijk onderzoek komt naar de"
    " kosten van de sanering, die volgens sommige raadsleden fors kunnen oplopen.",
]
ENGLISH = [
    "The county council voted on Thursday to keep the mobile library running for another three years,"
    " reversing a decision taken in the spring to replace it with a monthly pop-up in the village halls.",
    "Campaigners had collected more than four thousand signatures, many from older residents who said the"
    " van was the only way they could borrow books without a long bus journey into town.",
    "The service will cost about ninety thousand pounds a year, to be met from the council's reserves"
    " while a longer-term plan is drawn up with the parish councils.",
]


def page(body: str, lang: str = "en", before_body: str = "", container: str = "article-body") -> bytes:
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Plan</title></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>A headline of this article</h1>{before_body}
<div class="{container}">{body}</div></article></main>
<footer><p>Copyright 2026 The Paper</p></footer></body></html>""".encode()


def test_a_name_card_inside_a_sentence_is_removed_and_the_sentence_mended():
    card = (
        '<span class="person-card"><a href="/people/kim-ashdown">Cllr Kim Ashdown</a>'
        '<a href="/news/1">Bus lanes to be reviewed</a><a href="/news/2">Ashdown named cabinet member</a></span>'
    )
    sentence = (
        f'<p>The decision was welcomed by <a href="/people/kim-ashdown">Cllr Kim Ashdown</a>{card},'
        " who had led the campaign to keep the van on the road for the outlying villages.</p>"
    )
    article = extracted(page(paragraphs(ENGLISH[:2]) + sentence + paragraphs(ENGLISH[2:])))
    assert (
        "The decision was welcomed by Cllr Kim Ashdown, who had led the campaign to keep the van on the road"
        " for the outlying villages."
    ) in article.text.split("\n")
    assert "Bus lanes" not in article.text
    assert [c.rule for c in article.chaff] == ["markup: a card repeating the linked name before it"]


def test_a_linked_name_followed_by_other_links_is_not_a_card():
    # Links after a name that do not repeat it are the sentence's own.
    sentence = (
        '<p>The plan was drawn up by <a href="/people/ashdown">Kim Ashdown</a> <span>with'
        ' <a href="/orgs/a">the parish council</a> and <a href="/orgs/b">the library trust</a></span>'
        " over the summer, after months of meetings in the village halls of the county.</p>"
    )
    article = extracted(page(paragraphs(ENGLISH) + sentence))
    assert "the parish council and the library trust over the summer" in article.text and article.chaff == ()


def test_a_label_and_a_linked_headline_is_related_in_a_language_without_a_lexicon():
    teaser = '<p>Lees ook: <a href="/nieuws/fietspaden">Nieuwe fietspaden voor de binnenstad</a></p>'
    article = extracted(page(paragraphs(DUTCH[:2]) + teaser + paragraphs(DUTCH[2:]), lang="nl"))
    assert article.text.split("\n") == DUTCH
    assert [(c.kind, c.rule) for c in article.chaff] == [("related", "markup: a label and a linked headline")]


def test_a_sentence_with_a_colon_and_a_link_in_it_stays():
    line = (
        '<p>Bron: het <a href="/rapport">rapport van de rekenkamer</a> over de kosten van de sanering'
        " van de haven, dat vorige week werd gepubliceerd.</p>"
    )
    article = extracted(page(paragraphs(DUTCH) + line, lang="nl"))
    assert len(article.text.split("\n")) == 4


def test_prose_next_to_an_e_mail_field_stays_unless_shown_to_be_an_appeal():
    # A "notify me" field inside the article's last section: the field proves nothing about the
    # paragraph beside it, but a sign-up's own wording does.
    section = '<div class="section"><p>{}</p><input type="email" name="email"></div>'
    article = extracted(page(paragraphs(ENGLISH[:2]) + section.format(ENGLISH[2])))
    assert article.text.split("\n") == ENGLISH and article.chaff == ()
    pitch = (
        "Sign up for our weekly newsletter to get the council's decisions in your inbox every Friday"
        " morning, with the week's planning applications and the minutes of every meeting."
    )
    article = extracted(page(paragraphs(ENGLISH) + section.format(pitch)))
    assert article.text.split("\n") == ENGLISH and [c.kind for c in article.chaff] == ["newsletter"]


def test_facts_of_the_articles_own_list_stay_though_they_look_like_furniture():
    facts = "<ul><li>Category: mobile libraries</li><li>Cost: 90,000 pounds a year</li><li>Stops: 42</li></ul>"
    article = extracted(page(paragraphs(ENGLISH) + facts))
    assert "- Category: mobile libraries" in article.text.split("\n")


def test_a_lead_set_apart_in_a_box_named_for_it_is_put_back():
    lead = (
        '<p class="article-standfirst">Councillors reverse their spring decision after a petition signed'
        " by thousands of residents.</p>"
    )
    article = extracted(page(paragraphs(ENGLISH), before_body=lead))
    assert article.text.split("\n")[0].startswith("Councillors reverse their spring decision")


def test_german_and_polish_appeals_are_chaff():
    german = "\n".join([*DUTCH[:1], "Jetzt zum Newsletter anmelden und nichts mehr verpassen", *DUTCH[1:]])
    assert [c.kind for c in extract_text(german, "https://z.example/a", "z", "de").chaff] == ["newsletter"]
    polish = "\n".join([*DUTCH, "Wesprzyj naszą pracę – każda wpłata się liczy."])
    assert [c.kind for c in extract_text(polish, "https://z.example/b", "z", "pl").chaff] == ["donation"]


def test_a_phrase_whose_required_text_is_short_is_still_found():
    lexicon = parse_lexicon({"phrases": {"other": {"strong": ["^ad$", "^(?:x|yz) only$"]}}}, "xx")
    assert lexicon.first_match("strong", "Ad", "ad")[0].name == "xx:other:strong:0"
    assert lexicon.first_match("strong", "yz only", "yz only")[0].name == "xx:other:strong:1"
    assert lexicon.first_match("strong", "add", "add") is None


def test_words_spelt_in_two_alphabets_are_a_disguised_advert_and_russian_is_not():
    advert = "Yоur brаnd іn frоnt оf thоuѕаndѕ оf rеаdеrѕ – саll uѕ tоdаy"  # Cyrillic о, а, і, ѕ, е
    text = "\n".join([*ENGLISH, advert])
    assert [c.text for c in extract_text(text, "https://z.example/c", "z", "en").chaff] == [advert]
    russian = "Городской совет в четверг проголосовал за сохранение передвижной библиотеки ещё на три года."
    assert extract_text("\n".join([*ENGLISH, russian]), "https://z.example/d", "z", None).chaff == ()


def test_a_date_label_alone_or_with_its_date_is_furniture():
    for line in ["Last updated:", "Posted on: 04/11/2026 Category: Council news"]:
        chaff = extract_text("\n".join([*ENGLISH[:1], line, *ENGLISH[1:]]), "https://z.example/e", "z", "en").chaff
        assert [c.text for c in chaff] == [line]


def test_a_press_releases_contact_lines_are_furniture_and_a_sentence_about_a_spokesman_is_not():
    body = [
        "Die Stadtwerke erhöhen zum ersten Januar die Preise für Fernwärme um durchschnittlich acht Prozent,"
        " wie das Unternehmen am Montag in einer Mitteilung bekanntgab.",
        "Pressesprecher Jonas Feld sagte, die Erhöhung sei wegen der gestiegenen Einkaufspreise unvermeidlich.",
    ]
    contact = ["Pressekontakt", "Pressesprecherin Lea Brandt"]
    result = extract_text("\n".join(body + contact), "https://z.example/f", "z", "de")
    assert result.text.split("\n") == body and [c.text for c in result.chaff] == contact
