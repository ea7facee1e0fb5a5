"""Cities seeking partners (issue 14): a city office's call, reviewed, public until its end.

The public list is faceted as the browse pages; drafts, calls not yet started and ended
ones are on no public page or sitemap; a city editor writes only their cities' calls and
never publishes; publishing shows at once with the page cache on.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from agreements.models import Theme
from editors.admin_tools import stored_version
from editors.models import CityAssignment
from publishing.publication import PublicationState
from seeking.models import PartnerSearch
from tests.conftest import admin_url
from tests.factories import CityFactory, CityNameFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
LIST = "/seeking-partners/"


def make_search(city: Any, **fields: Any) -> PartnerSearch:
    themes = fields.pop("themes", [])
    values: dict[str, Any] = {
        "title": "Partners for youth exchanges",
        "offers": "Hosting for school exchanges.",
        "looking_for": "A city with a music school.",
        "contact_office": "International Relations Office",
        "contact_email": "international@example.org",
        "starts": TODAY - 10 * DAY,
        "ends": TODAY + 30 * DAY,
        "publication_state": PublicationState.PUBLISHED,
        **fields,
    }
    search = PartnerSearch.objects.create(city=city, **values)
    if themes:
        search.themes.set(themes)
    return search


def listed(client: Any, query: str = "") -> list[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [search.title for search in response.context["page"].object_list]


def counts(response: Any, facet: str) -> dict[str, int]:
    for item in response.context["facets"]:
        if item.name == facet:
            return {option.value: option.count for option in item.options}
    raise AssertionError(facet)


@pytest.fixture
def music() -> Theme:
    return Theme.objects.get_or_create(slug="music", defaults={"name": "Music"})[0]


# -- what the public sees ------------------------------------------------------------------------


def test_only_published_calls_running_today_are_listed(client: Any) -> None:
    city = CityFactory(name="Isfahan", slug="isfahan", country="IR")
    make_search(city, title="Running")
    make_search(city, title="Last day", ends=TODAY)
    make_search(city, title="Draft", publication_state=PublicationState.DRAFT)
    make_search(city, title="In review", publication_state=PublicationState.IN_REVIEW)
    make_search(city, title="Withdrawn", publication_state=PublicationState.WITHDRAWN)
    make_search(city, title="Ended yesterday", starts=TODAY - 40 * DAY, ends=TODAY - DAY)
    make_search(city, title="Starts tomorrow", starts=TODAY + DAY, ends=TODAY + 9 * DAY)
    assert sorted(listed(client)) == ["Last day", "Running"]


def test_a_call_leaves_the_public_pages_the_day_after_its_end_without_any_job(
    client: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.PUBLIC_PAGE_CACHE = True
    city = CityFactory(name="Hanoi", slug="hanoi", country="VN", geonames_id=1581130)
    search = make_search(city, title="Until today", ends=TODAY)
    assert listed(client) == ["Until today"]
    assert client.get(search.get_absolute_url()).status_code == 200
    assert "looking for partners" in client.get("/cities/hanoi/").content.decode()

    tomorrow = TODAY + DAY
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    # Nothing saved, nothing announced: the cached pages of yesterday are not served today.
    assert listed(client) == []
    assert client.get(search.get_absolute_url()).status_code == 404
    assert "looking for partners" not in client.get("/cities/hanoi/").content.decode()


def test_drafts_and_ended_calls_have_no_page_and_are_in_no_sitemap(client: Any) -> None:
    city = CityFactory(name="Florence", slug="florence", country="IT")
    public = make_search(city, title="Public")
    draft = make_search(city, title="Draft", publication_state=PublicationState.DRAFT)
    ended = make_search(city, title="Ended", starts=TODAY - 9 * DAY, ends=TODAY - DAY)
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(ended.get_absolute_url()).status_code == 404
    sitemap = client.get("/sitemap-seeking-partners.xml").content.decode()
    assert "/seeking-partners/florence-public/" in sitemap
    assert draft.get_absolute_url() not in sitemap
    assert ended.get_absolute_url() not in sitemap
    assert "/seeking-partners/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_the_detail_page_shows_the_call_and_the_office_to_write_to(client: Any, music: Any) -> None:
    city = CityFactory(name="Florence", slug="florence", country="IT", geonames_id=3176959)
    search = make_search(
        city,
        themes=[music],
        countries=["VN", "IR"],
        regions=["western-africa"],
        languages=["en", "fa"],
        contact_role="Head of international relations",
        contact_url="https://www.comune.fi.it/relazioni-internazionali",
        ends=datetime.date(2099, 6, 30),
    )
    page = client.get(search.get_absolute_url()).content.decode()
    for text in (
        "Partners for youth exchanges",
        "Hosting for school exchanges.",
        "A city with a music school.",
        "International Relations Office",
        "Head of international relations",
        'href="mailto:international@example.org"',
        'href="https://www.comune.fi.it/relazioni-internazionali"',
        "Vietnam",
        "Iran",
        "Western Africa",
        "Persian",
        "Music",
        "June 30, 2099",
        'href="/cities/florence/"',
    ):
        assert text in page, text


def test_persian_pages_write_dates_and_counts_in_persian_digits(client: Any) -> None:
    city = CityFactory(name="Isfahan", slug="isfahan", country="IR")
    CityNameFactory(city=city, name="اصفهان", language="fa", is_preferred=True)
    make_search(city, ends=datetime.date(2099, 6, 30))
    page = client.get("/fa" + LIST).content.decode()
    assert 'dir="rtl"' in page
    assert "اصفهان" in page
    assert ">۳۰ ژوئن ۲۰۹۹</time>" in page and ">2099" not in page
    assert re.search(r"<h2 id=\"results-heading\">\s*۱\b", page)


def test_the_city_page_links_to_its_current_calls_only(client: Any) -> None:
    city = CityFactory(name="Florence", slug="florence", country="IT")
    PartnershipFactory(city_a=city, publication_state=PublicationState.PUBLISHED)
    page = client.get("/cities/florence/").content.decode()
    assert "This city is looking for partners" not in page
    make_search(city, title="A draft", publication_state=PublicationState.DRAFT)
    make_search(city, title="Ended", starts=TODAY - 9 * DAY, ends=TODAY - DAY)
    page = client.get("/cities/florence/").content.decode()
    assert "This city is looking for partners" not in page
    search = make_search(city, title="Running call")
    page = client.get("/cities/florence/").content.decode()
    assert "This city is looking for partners" in page
    assert f'href="{search.get_absolute_url()}"' in page
    assert "A draft" not in page and "Ended" not in page


def test_the_footer_links_to_the_list_in_each_language(client: Any) -> None:
    assert 'href="/it/seeking-partners/"' in client.get("/it/about/").content.decode()
    for language, heading in (
        ("it", "Città in cerca di partner"),
        ("fa", "شهرهای جویای شریک"),
        ("vi", "Các thành phố tìm đối tác"),
    ):
        assert f"<h1>{heading}</h1>" in client.get(f"/{language}{LIST}").content.decode()


# -- facets --------------------------------------------------------------------------------------


@pytest.fixture
def three_calls(music: Theme) -> dict[str, PartnerSearch]:
    heritage = Theme.objects.get_or_create(slug="heritage", defaults={"name": "Heritage"})[0]
    florence = CityFactory(name="Florence", slug="florence", country="IT")
    turin = CityFactory(name="Turin", slug="turin", country="IT")
    isfahan = CityFactory(name="Isfahan", slug="isfahan", country="IR")
    return {
        "florence": make_search(
            florence, title="Florence call", themes=[music], countries=["VN"], languages=["it"]
        ),
        "turin": make_search(
            turin,
            title="Turin call",
            themes=[heritage],
            regions=["south-eastern-asia"],
            languages=["en"],
        ),
        "isfahan": make_search(
            isfahan, title="Isfahan call", themes=[music], countries=["IT"], languages=["fa", "en"]
        ),
    }


def test_facets_count_the_city_country_theme_interest_region_and_language(
    client: Any, three_calls: Any
) -> None:
    response = client.get(LIST)
    assert counts(response, "country") == {"IT": 2, "IR": 1}
    assert counts(response, "theme") == {"music": 2, "heritage": 1}
    assert counts(response, "interest") == {"VN": 1, "IT": 1}
    # A country of interest counts for its region: Vietnam is in South-eastern Asia.
    assert counts(response, "region") == {"south-eastern-asia": 2, "southern-europe": 1}
    assert counts(response, "language") == {"it": 1, "en": 2, "fa": 1}


def test_filters_combine_and_keep_their_state_in_the_address(client: Any, three_calls: Any) -> None:
    assert sorted(listed(client, "?theme=music")) == ["Florence call", "Isfahan call"]
    assert listed(client, "?theme=music&country=IT") == ["Florence call"]
    assert sorted(listed(client, "?region=south-eastern-asia")) == ["Florence call", "Turin call"]
    assert sorted(listed(client, "?language=en")) == ["Isfahan call", "Turin call"]
    assert listed(client, "?interest=it") == ["Isfahan call"]
    assert listed(client, "?q=isfahan") == ["Isfahan call"]
    response = client.get(LIST + "?theme=music&country=IT")
    page = response.content.decode()
    # The chosen values are checked in the form and can be removed one by one.
    assert re.search(r'name="theme" value="music"[^>]*checked', page)
    assert 'href="?country=IT"' in page  # removing the theme keeps the country
    # Choosing Italy still shows how many calls come from Iran (the other facets' rule).
    assert counts(response, "country") == {"IT": 1, "IR": 1}


def test_an_htmx_request_gets_only_the_form(client: Any, three_calls: Any) -> None:
    response = client.get(LIST + "?theme=music", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith("<form") and "<html" not in page
    assert "Florence call" in page and "Turin call" not in page


@pytest.mark.parametrize(
    "query",
    ["?country=XX", "?theme=nothing", "?language=klingon", "?region=atlantis", "?page=abc"],
)
def test_bad_filters_are_a_clear_400(client: Any, three_calls: Any, query: str) -> None:
    response = client.get(LIST + query)
    assert response.status_code == 400


def test_a_page_past_the_end_is_a_404(client: Any, three_calls: Any) -> None:
    assert client.get(LIST + "?page=9").status_code == 404


def test_the_list_costs_the_same_queries_for_three_calls_or_thirty(
    client: Any, three_calls: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get(LIST)
    city = CityFactory(country="FR")
    for n in range(17):
        make_search(city, title=f"Call {n}", languages=["fr"], countries=["DE"])
    with CaptureQueriesContext(connection) as twenty:
        client.get(LIST)
    assert len(twenty) == len(three)


# -- publication and the page cache --------------------------------------------------------------


def admin_form(city: Any, **fields: Any) -> dict[str, Any]:
    return {
        "city": city.pk,
        "title": "Partners for urban gardens",
        "starts": TODAY.isoformat(),
        "ends": (TODAY + 60 * DAY).isoformat(),
        "offers": "Know-how on community gardens.",
        "looking_for": "A city planning its first gardens.",
        "themes": [],
        "countries": ["VN"],
        "regions": ["western-africa"],
        "languages": ["it", "en"],
        "contact_office": "Ufficio Relazioni Internazionali",
        "contact_role": "",
        "contact_email": "relazioni@example.org",
        "contact_url": "",
        "publication_state": PublicationState.DRAFT,
        "citations-TOTAL_FORMS": 0,
        "citations-INITIAL_FORMS": 0,
        **fields,
    }


def test_publishing_a_call_shows_it_at_once_with_the_page_cache_on(
    curator_login: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PUBLIC_PAGE_CACHE = True
    city = CityFactory(name="Florence", slug="florence", country="IT")
    PartnershipFactory(city_a=city, publication_state=PublicationState.PUBLISHED)
    draft = make_search(city, title="Reviewed call", publication_state=PublicationState.DRAFT)
    client = curator_login
    assert "Reviewed call" not in client.get(LIST).content.decode()  # now cached
    assert "looking for partners" not in client.get("/cities/florence/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url(PartnerSearch, "changelist"),
            {"action": "publish", "_selected_action": [draft.pk]},
        )
    assert response.status_code == 302
    assert "Reviewed call" in client.get(LIST).content.decode()
    assert "looking for partners" in client.get("/cities/florence/").content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200
    # Withdrawn: gone again at once.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            admin_url(PartnerSearch, "changelist"),
            {"action": "withdraw", "_selected_action": [draft.pk]},
        )
    assert "Reviewed call" not in client.get(LIST).content.decode()


def test_a_draft_edited_moves_no_cache(
    curator_login: Any, bumps: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    draft = make_search(CityFactory(), publication_state=PublicationState.DRAFT)
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft.title = "Still a draft"
        draft.save()
    assert bumps == []


# -- the admin, as an attacker -------------------------------------------------------------------


@pytest.fixture
def other_city() -> Any:
    return CityFactory(name="Isfahan", slug="isfahan", country="IR")


def test_a_city_editor_writes_a_draft_for_their_city_and_submits_it(
    editor_client: Any, florence: Any
) -> None:
    response = editor_client.post(
        admin_url(PartnerSearch, "add"),
        admin_form(florence, publication_state=PublicationState.IN_REVIEW),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    search = PartnerSearch.objects.get()
    assert search.city == florence
    assert search.publication_state == PublicationState.IN_REVIEW
    assert search.regions == ["western-africa"] and search.languages == ["it", "en"]
    assert search.history.count() == 1  # history kept, as for every record
    assert editor_client.get(search.get_absolute_url()).status_code == 404  # after review only


def test_a_city_editor_cannot_publish_by_form_or_action(editor_client: Any, florence: Any) -> None:
    response = editor_client.post(
        admin_url(PartnerSearch, "add"),
        admin_form(florence, publication_state=PublicationState.PUBLISHED),
    )
    assert response.status_code == 200  # not a choice for them: the form says so
    assert not PartnerSearch.objects.exists()
    draft = make_search(florence, publication_state=PublicationState.IN_REVIEW)
    response = editor_client.post(
        admin_url(PartnerSearch, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.publication_state == PublicationState.IN_REVIEW
    data = admin_form(florence, publication_state=PublicationState.PUBLISHED)
    data["record_version"] = stored_version(PartnerSearch, draft.pk)
    editor_client.post(admin_url(PartnerSearch, "change", draft.pk), data)
    draft.refresh_from_db()
    assert draft.publication_state == PublicationState.IN_REVIEW


def test_a_city_editor_cannot_write_for_another_city(
    editor_client: Any, florence: Any, other_city: Any
) -> None:
    response = editor_client.post(admin_url(PartnerSearch, "add"), admin_form(other_city))
    assert response.status_code == 200
    assert "must involve one of your cities" in response.content.decode()
    assert not PartnerSearch.objects.exists()
    # Nor move their own call to another city.
    own = make_search(florence, title="Own", publication_state=PublicationState.DRAFT)
    data = admin_form(other_city)
    data["record_version"] = stored_version(PartnerSearch, own.pk)
    editor_client.post(admin_url(PartnerSearch, "change", own.pk), data)
    own.refresh_from_db()
    assert own.city == florence


def test_an_editor_of_another_city_finds_nothing_of_its_drafts(
    client: Any, django_user_model: Any, florence: Any, other_city: Any
) -> None:
    intruder = django_user_model.objects.create_user("intruder", password="pw", is_staff=True)
    intruder.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=intruder, city=other_city)
    client.force_login(intruder)
    draft = make_search(florence, title="Florence draft", publication_state=PublicationState.DRAFT)
    changelist = client.get(admin_url(PartnerSearch, "changelist"))
    assert "Florence draft" not in changelist.content.decode()
    assert client.get(admin_url(PartnerSearch, "change", draft.pk)).status_code == 404
    assert client.get(admin_url(PartnerSearch, "history", draft.pk)).status_code == 404
    data = admin_form(other_city, title="Hijacked")
    data["record_version"] = stored_version(PartnerSearch, draft.pk)
    assert client.post(admin_url(PartnerSearch, "change", draft.pk), data).status_code == 404
    client.post(
        admin_url(PartnerSearch, "changelist"),
        {"action": "submit_for_review", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert (draft.title, draft.publication_state) == ("Florence draft", PublicationState.DRAFT)


def test_a_published_call_is_the_curators_to_change(editor_client: Any, florence: Any) -> None:
    published = make_search(florence, title="Published")
    data = admin_form(florence, title="Changed", publication_state=PublicationState.DRAFT)
    data["record_version"] = stored_version(PartnerSearch, published.pk)
    response = editor_client.post(admin_url(PartnerSearch, "change", published.pk), data)
    assert response.status_code in (403, 200)
    published.refresh_from_db()
    assert published.title == "Published"


def test_anonymous_visitors_are_sent_to_the_login(client: Any, florence: Any) -> None:
    response = client.post(admin_url(PartnerSearch, "add"), admin_form(florence))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not PartnerSearch.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"contact_email": "", "contact_url": ""}, "public e-mail or its web page"),
        ({"ends": (TODAY - 30 * DAY).isoformat()}, "end cannot be before the start"),
        ({"ends": ""}, "This field is required"),
        ({"languages": ["xx-nope"]}, "Select a valid choice"),
    ],
)
def test_the_form_explains_what_is_missing(
    editor_client: Any, florence: Any, fields: dict[str, Any], message: str
) -> None:
    response = editor_client.post(admin_url(PartnerSearch, "add"), admin_form(florence, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PartnerSearch.objects.exists()


def test_the_database_refuses_a_call_without_contact_or_ending_before_it_starts(
    florence: Any,
) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_search(florence, contact_email="", contact_url="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_search(florence, starts=TODAY, ends=TODAY - DAY)


# -- markup --------------------------------------------------------------------------------------


def test_the_pages_are_valid_html(client: Any, three_calls: Any, tmp_path: Any) -> None:
    import json
    import shutil
    import subprocess

    from tests.test_html_validity import VNU

    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: the Nu Html Checker cannot run")
    call = three_calls["florence"]
    call.contact_url = "https://www.example.org/international"
    call.save()
    paths = [LIST, LIST + "?theme=music&country=IT", call.get_absolute_url(), "/fa" + LIST]
    files = {}
    for number, path in enumerate(paths):
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(client.get(path).content)
        files[str(file)] = path
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [
        (files.get(m.get("url", "").removeprefix("file:")), m["message"]) for m in messages
    ] == []


def test_a_submitted_call_waits_in_the_review_queue_and_a_curator_publishes_it_there(
    client: Any,
    editor: Any,
    curator: Any,
    florence: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(editor)
    client.post(
        admin_url(PartnerSearch, "add"),
        admin_form(florence, publication_state=PublicationState.IN_REVIEW),
    )
    search = PartnerSearch.objects.get()
    assert client.get("/admin/review/").status_code == 403  # the queue is the curators'
    client.force_login(curator)
    queue = client.get("/admin/review/").content.decode()
    assert "Partners for urban gardens" in queue and "editor" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/review/",
            {"model": "seeking.PartnerSearch", "pk": search.pk, "decision": "publish"},
        )
    search.refresh_from_db()
    assert search.publication_state == PublicationState.PUBLISHED
    client.logout()
    assert "Partners for urban gardens" in client.get(LIST).content.decode()


def test_the_form_says_the_contact_is_an_office_never_a_private_person(
    editor_client: Any,
) -> None:
    page = editor_client.get(admin_url(PartnerSearch, "add")).content.decode()
    assert "never a private person" in page
    # An editor is offered only the states before review, never "published".
    assert 'value="in_review"' in page and 'value="published"' not in page


def test_the_facets_follow_a_change_of_the_city_or_the_themes(
    client: Any, three_calls: Any, music: Theme
) -> None:
    turin = three_calls["turin"]
    turin.city.country = "FR"
    turin.city.save()
    turin.themes.add(music)
    response = client.get(LIST)
    assert counts(response, "country") == {"IT": 1, "IR": 1, "FR": 1}
    assert counts(response, "theme") == {"music": 3, "heritage": 1}
