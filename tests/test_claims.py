"""Several sources, one partnership: each source's claims kept side by side (issue 12).

The excerpts are rows of the shipped files (tests/data/README.md): Celle–Tavistock, given by
Wikidata without a date and twice by the German list, since 1952 and since 1977; Aachen–
Montebourg, a twinning for Wikidata (P190, read as a sister city) and a friendship (f) for the
German list; Erfurt–Kati, which the German list gives twice, as a friendship (2009) and as a
twinning (2011).
"""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from agreements.claims import Claim, ClaimField, prefer
from agreements.importing import import_partnerships
from agreements.models import Partnership, PartnershipKind
from cities.models import Citation, Source
from editors.models import CityAssignment
from publishing.publication import PublicationState

from .conftest import admin_url

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
WIKIDATA = (DATA / "claims-wikidata-p190-excerpt.csv").read_text(encoding="utf-8")
GERMAN = (DATA / "claims-twintowns-de-excerpt.csv").read_text(encoding="utf-8")


def load_both() -> None:
    # Kati (Mali) is in neither file with an id: a known town here, or its rows would wait in
    # the unmatched places queue (tests/test_unmatched.py).
    from cities.models import City

    if not City.objects.filter(slug="kati").exists():
        kati = City(name="Kati", slug="kati", country="ML", latitude=12.74, longitude=-8.07)
        kati.refresh_search_key()
        kati.save()
    import_partnerships(WIKIDATA, "wikidata", "pairs.csv", publish=True)
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv", publish=True)


def pair(a: str, b: str) -> list[Partnership]:
    return list(
        Partnership.objects.filter(city_a__name__in=[a, b], city_b__name__in=[a, b]).order_by("pk")
    )


def years(partnership: Partnership) -> list[int]:
    claims = partnership.claims.filter(field=ClaimField.ESTABLISHED).order_by("date")
    return [claim.date.year for claim in claims]


# -- the import ------------------------------------------------------------------------------


def test_the_same_pair_from_both_files_is_one_partnership_citing_both() -> None:
    load_both()
    [celle] = pair("Celle", "Tavistock")
    sources = set(Citation.objects.for_object(celle).values_list("source__publisher", flat=True))
    assert len(sources) == 2 and "Wikidata" in sources
    assert Citation.objects.for_object(celle).count() == 3  # one Wikidata row, two German rows
    # The record was empty: it takes the first year stated; the second stays as a claim.
    assert celle.established.year == 1952 and celle.established_precision == "year"
    assert years(celle) == [1952, 1977]
    # Each claim belongs to the citation of its row and to that row's source.
    for claim in celle.claims.select_related("citation"):
        assert claim.citation is not None and claim.citation.source_id == claim.source_id


def test_kinds_that_differ_between_sources_are_claims_of_one_partnership() -> None:
    load_both()
    [aachen] = pair("Aachen", "Montebourg")  # was two records: a twinning and a friendship
    kinds = dict(
        aachen.claims.filter(field=ClaimField.KIND).values_list("source__publisher", "value")
    )
    assert kinds["Wikidata"] == PartnershipKind.SISTER_CITY
    assert PartnershipKind.FRIENDSHIP in kinds.values()
    assert aachen.kind == PartnershipKind.SISTER_CITY  # the record keeps its value
    assert aachen.established.year == 1960  # an empty field takes the German year


def test_one_source_naming_two_kinds_for_a_pair_describes_two_partnerships() -> None:
    load_both()
    erfurt = pair("Erfurt", "Kati")
    assert sorted(p.kind for p in erfurt) == [
        PartnershipKind.FRIENDSHIP,
        PartnershipKind.SISTER_CITY,
    ]
    by_kind = {p.kind: p.established.year for p in erfurt}
    assert by_kind == {PartnershipKind.FRIENDSHIP: 2009, PartnershipKind.SISTER_CITY: 2011}


def test_importing_the_files_again_adds_no_claim_and_changes_no_record() -> None:
    load_both()
    before = list(Claim.objects.values_list("pk", "partnership", "field", "value", "date"))
    records = list(Partnership.objects.values_list("pk", "kind", "established", "status"))
    load_both()
    assert list(Claim.objects.values_list("pk", "partnership", "field", "value", "date")) == before
    assert list(Partnership.objects.values_list("pk", "kind", "established", "status")) == records


def test_rows_cited_before_claims_were_kept_get_their_claims_on_the_next_import() -> None:
    load_both()
    Claim.objects.all().delete()  # as a database imported before this release
    german = Source.objects.get(publisher__startswith="Dominik")
    import_partnerships(GERMAN + "\n", "twintowns-de", "TwinTowns_clean.csv", publish=True)
    [celle] = pair("Celle", "Tavistock")
    assert years(celle) == [1952, 1977]
    assert set(celle.claims.values_list("source", flat=True)) == {german.pk}
    assert Citation.objects.for_object(celle).count() == 3  # no citation twice


def test_a_stated_year_is_kept_when_a_later_source_differs() -> None:
    import_partnerships(WIKIDATA, "wikidata", "pairs.csv", publish=True)
    rows = GERMAN.splitlines()
    # The 1977 row alone first: the record, without a year, takes it ...
    import_partnerships("\n".join([rows[0], rows[3]]), "twintowns-de", "b.csv", publish=True)
    [celle] = pair("Celle", "Tavistock")
    assert celle.established.year == 1977
    # ... and the 1952 row of the whole file is kept beside it, not in its place.
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv", publish=True)
    celle.refresh_from_db()
    assert celle.established.year == 1977 and years(celle) == [1952, 1977]


# -- the public page -------------------------------------------------------------------------


def published(a: str, b: str) -> Partnership:
    [partnership] = pair(a, b)
    assert partnership.publication_state == PublicationState.PUBLISHED
    return partnership


def sources_differ(html: str) -> str:
    start = html.index('aria-labelledby="claims-heading"')
    return html[start : html.index("</section>", start)]


def test_the_page_shows_the_years_side_by_side_the_preferred_first(client: Any) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    html = client.get(celle.get_absolute_url()).content.decode()
    section = sources_differ(html)
    assert "Where the sources differ" in section
    first, second = section.index(">1952</time>"), section.index(">1977</time>")
    assert first < second  # the record's year first, marked
    assert section.index("(preferred)") < second
    german = Source.objects.get(publisher__startswith="Dominik")
    assert f'href="#source-{german.pk}"' in section and f'id="source-{german.pk}"' in html
    assert "municipality=" not in html and "plz" not in html  # no raw row on the page


def test_agreeing_sources_show_no_disagreement(client: Any) -> None:
    import_partnerships(WIKIDATA, "wikidata", "pairs.csv", publish=True)
    html = client.get(published("Celle", "Tavistock").get_absolute_url()).content.decode()
    assert "claims-heading" not in html


def test_the_kinds_side_by_side(client: Any) -> None:
    load_both()
    html = client.get(published("Aachen", "Montebourg").get_absolute_url()).content.decode()
    section = sources_differ(html)
    assert section.index("Sister city") < section.index("(preferred)") < section.index("Friendship")


@pytest.mark.parametrize(
    ("language", "according", "year"),
    [("it", "secondo", "1977"), ("fa", "به گفتهٔ", "۱۹۷۷"), ("vi", "theo", "1977")],
)
def test_the_disagreement_in_every_language(
    client: Any, language: str, according: str, year: str
) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    with translation.override(language):
        url = celle.get_absolute_url()
    section = sources_differ(client.get(url).content.decode())
    assert according in section and year in section
    assert "Where the sources differ" not in section and "(preferred)" not in section
    assert "<bdi>German municipal partnerships" in section  # a source's name isolated


# -- the curator's choice --------------------------------------------------------------------


def prefer_url(partnership: Partnership) -> str:
    return reverse("admin:agreements_partnership_prefer", args=[partnership.pk])


def test_the_admin_lists_the_claims_with_a_prefer_button(curator_login: Any) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    html = curator_login.get(admin_url(Partnership, "change", celle.pk)).content.decode()
    later = celle.claims.get(field=ClaimField.ESTABLISHED, date__year=1977)
    assert "What the sources state (claims)" in html
    assert f'formaction="{prefer_url(celle)}"' in html and f'value="{later.pk}"' in html
    assert "TwinTowns_clean.csv, row" in html  # the row each claim comes from


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_curator_prefers_a_claim_and_the_public_sees_it_without_a_restart(
    client: Any, curator: Any, settings: Any
) -> None:
    """Real commits: the import and the choice each announce a public change on commit."""
    settings.PUBLIC_PAGE_CACHE = True
    load_both()
    celle = published("Celle", "Tavistock")
    api = reverse("api:partnership-detail", args=[celle.slug])
    assert client.get(api).json()["established"]["iso"] == "1952"
    assert "1952" in client.get(celle.get_absolute_url()).content.decode()
    later = celle.claims.get(field=ClaimField.ESTABLISHED, date__year=1977)
    client.force_login(curator)
    response = client.post(prefer_url(celle), {"claim": later.pk})
    assert response.status_code == 302
    client.logout()
    celle.refresh_from_db()
    assert celle.established.year == 1977
    assert client.get(api).json()["established"]["iso"] == "1977"
    section = sources_differ(client.get(celle.get_absolute_url()).content.decode())
    assert section.index(">1977</time>") < section.index("(preferred)") < section.index(">1952<")
    # Who chose it and when: on the claim and as a step of the record's history.
    later.refresh_from_db()
    assert later.chosen_by == curator and later.chosen_at is not None
    step = celle.history.latest()
    assert step.history_user == curator
    assert f"preferred claim {later.pk}: established 1977" in step.history_change_reason


def test_a_kind_another_record_of_the_pair_has_cannot_be_preferred(curator_login: Any) -> None:
    load_both()
    erfurt = {p.kind: p for p in pair("Erfurt", "Kati")}
    friendship = erfurt[PartnershipKind.FRIENDSHIP]
    Claim.objects.create(
        partnership=friendship,
        source=Source.objects.get(publisher="Wikidata"),
        field=ClaimField.KIND,
        value=PartnershipKind.SISTER_CITY,
    )
    claim = friendship.claims.get(field=ClaimField.KIND, value=PartnershipKind.SISTER_CITY)
    response = curator_login.post(prefer_url(friendship), {"claim": claim.pk}, follow=True)
    assert "already have a partnership of this kind" in response.content.decode()
    friendship.refresh_from_db()
    assert friendship.kind == PartnershipKind.FRIENDSHIP


def test_forged_and_malformed_prefer_requests(curator_login: Any) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    [aachen] = pair("Aachen", "Montebourg")
    other = aachen.claims.first()
    assert curator_login.get(prefer_url(celle)).status_code == 405
    assert curator_login.post(prefer_url(celle), {"claim": "abc"}).status_code == 400
    assert curator_login.post(prefer_url(celle), {"claim": "²"}).status_code == 400
    assert curator_login.post(prefer_url(celle), {"claim": str(2**70)}).status_code == 400
    assert curator_login.post(prefer_url(celle), {"claim": other.pk}).status_code == 404
    too_large = reverse("admin:agreements_partnership_prefer", args=[2**70])
    assert curator_login.post(too_large, {"claim": other.pk}).status_code == 404
    celle.refresh_from_db()
    assert celle.established.year == 1952


def test_anonymous_visitors_cannot_prefer(client: Any) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    later = celle.claims.get(field=ClaimField.ESTABLISHED, date__year=1977)
    response = client.post(prefer_url(celle), {"claim": later.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    celle.refresh_from_db()
    assert celle.established.year == 1952


def city_editor(django_user_model: Any, city: Any, name: str = "celle-editor") -> Any:
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=user, city=city)
    return user


def test_a_city_editor_sees_the_claims_of_a_published_record_and_cannot_choose(
    client: Any, django_user_model: Any
) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    client.force_login(city_editor(django_user_model, celle.city_a))
    html = client.get(admin_url(Partnership, "change", celle.pk)).content.decode()
    assert "What the sources state (claims)" in html and "1977" in html
    assert "Prefer this claim" not in html
    later = celle.claims.get(field=ClaimField.ESTABLISHED, date__year=1977)
    assert client.post(prefer_url(celle), {"claim": later.pk}).status_code == 403
    celle.refresh_from_db()
    assert celle.established.year == 1952


def test_a_city_editor_prefers_on_a_draft_the_public_sees_it_only_once_published(
    client: Any, django_user_model: Any
) -> None:
    import_partnerships(WIKIDATA, "wikidata", "pairs.csv")  # drafts
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    [celle] = pair("Celle", "Tavistock")
    assert celle.publication_state == PublicationState.DRAFT
    editor = city_editor(django_user_model, celle.city_a)
    later = celle.claims.get(field=ClaimField.ESTABLISHED, date__year=1977)
    client.force_login(editor)
    assert client.post(prefer_url(celle), {"claim": later.pk}).status_code == 302
    client.logout()
    assert client.get(celle.get_absolute_url()).status_code == 404  # still a draft
    celle.refresh_from_db()
    assert (
        celle.established.year == 1977
        and later.__class__.objects.get(pk=later.pk).chosen_by == editor
    )


def test_an_editor_of_another_city_finds_nothing(client: Any, django_user_model: Any) -> None:
    import_partnerships(WIKIDATA, "wikidata", "pairs.csv")
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    [celle] = pair("Celle", "Tavistock")
    [aachen] = pair("Aachen", "Montebourg")
    client.force_login(city_editor(django_user_model, aachen.city_a, "aachen-editor"))
    later = celle.claims.get(field=ClaimField.ESTABLISHED, date__year=1977)
    assert client.post(prefer_url(celle), {"claim": later.pk}).status_code == 404
    celle.refresh_from_db()
    assert (
        celle.established.year == 1952
        and later.__class__.objects.get(pk=later.pk).chosen_at is None
    )


def test_prefer_records_a_claim_of_an_ended_date_only_when_it_follows_the_start(
    curator: Any,
) -> None:
    load_both()
    celle = published("Celle", "Tavistock")
    too_early = Claim.objects.create(
        partnership=celle,
        source=Source.objects.get(publisher="Wikidata"),
        field=ClaimField.ENDED,
        date="1940-01-01",
        date_precision="year",
    )
    from agreements.claims import CannotPrefer

    with pytest.raises(CannotPrefer, match="cannot end before"):
        prefer(too_early, curator)
    celle.refresh_from_db()
    assert celle.ended is None


# -- a correction from the public ------------------------------------------------------------


def test_an_accepted_correction_is_a_claim_the_public_sees_once_a_curator_prefers_it(
    client: Any, curator: Any
) -> None:
    """Invented places (tests state no facts about real partnerships through suggestions)."""
    from suggestions.models import Suggestion
    from suggestions.services import accept

    from .factories import CityFactory, PartnershipFactory

    partnership = PartnershipFactory(
        city_a=CityFactory(name="Ostrelle", slug="ostrelle", country="FR"),
        city_b=CityFactory(name="Varnholt", slug="varnholt", country="DE"),
        slug="ostrelle-varnholt",
        established="1990-01-01",
        established_precision="year",
        publication_state=PublicationState.PUBLISHED,
    )
    suggestion = Suggestion.objects.create(
        kind=Suggestion.Kind.CORRECTION,
        record=partnership,
        field="established",
        proposed="۱۹۹۱",
        source="https://example.org/council-minutes",
        language="fa",
    )
    before = client.get(partnership.get_absolute_url()).content
    accept(suggestion, curator)
    claim = partnership.claims.get()
    assert (claim.field, claim.date.year, claim.citation, claim.chosen_at) == (
        "established",
        1991,
        None,
        None,
    )
    assert claim.source.url == "https://example.org/council-minutes"
    assert client.get(partnership.get_absolute_url()).content == before  # nothing public
    api = reverse("api:partnership-detail", args=[partnership.slug])
    assert client.get(api).json()["established"]["iso"] == "1990"

    client.force_login(curator)
    html = client.get(admin_url(Partnership, "change", partnership.pk)).content.decode()
    assert "not cited yet" in html and f'value="{claim.pk}"' in html
    assert client.post(prefer_url(partnership), {"claim": claim.pk}).status_code == 302
    client.logout()
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert '<time datetime="1991">1991</time>' in page
    assert "example.org/council-minutes" in page  # the source is cited now
    assert client.get(api).json()["established"]["iso"] == "1991"


@pytest.mark.parametrize(
    ("field", "typed", "language", "expected"),
    [
        ("kind", "friendship", "en", "friendship"),
        ("kind", "Sister City", "en", "sister_city"),
        ("status", "ended", "en", "ended"),
        ("status", "something else", "en", None),
        ("established", "no year here", "en", None),
        ("summary", "1990", "en", None),
    ],
)
def test_what_a_typed_correction_claims(
    field: str, typed: str, language: str, expected: str | None
) -> None:
    from agreements.claims import typed_claim

    claim = typed_claim(field, typed, language)
    assert (claim.value if claim else None) == expected
