"""Records' titles and summaries in every interface language (issue 13): the page's language
when someone translated the text, else the English original, tagged as English and said so;
edited in the admin, public at once, in the record's history."""

import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Participant,
    Partnership,
    Signatory,
    StatusChange,
)
from cities.models import Network
from publishing.publication import PublicationState

from .admin_forms import submitted
from .conftest import admin_url
from .factories import (
    AgreementFactory,
    MeetingFactory,
    NetworkFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

NOTE = {
    "it": "Non ancora tradotto in italiano; mostrato in inglese.",
    "fa": "هنوز به فارسی ترجمه نشده است؛ به انگلیسی نمایش داده می‌شود.",
    "vi": "Chưa được dịch sang tiếng Việt; hiển thị bằng tiếng Anh.",
}


def page(client: Any, record: Any, language: str) -> str:
    with translation.override(language):
        url = record.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>.*?</h1>", html, re.S)
    assert match
    return match.group(0)


def test_the_italian_page_shows_the_italian_title_and_summary(client: Any) -> None:
    meeting = MeetingFactory(
        title="Online conversation between the mayors",
        title_it="Conversazione online tra i sindaci",
        summary="The mayors proposed joint cooperation.",
        summary_it="I sindaci hanno proposto una cooperazione comune.",
    )
    html = page(client, meeting, "it")
    assert heading(html) == "<h1>Conversazione online tra i sindaci</h1>"
    assert '<div class="summary"><p>I sindaci hanno proposto una cooperazione comune.' in html
    assert "<title>Conversazione online tra i sindaci" in html
    # Only "Cite this" (its form, its English form and BibTeX) keeps the original: a
    # citation's title is the record's own. The structured data is in the page's language.
    assert html.count("Online conversation between the mayors") == 3
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["name"] == "Conversazione online tra i sindaci"
    assert data["description"] == "I sindaci hanno proposto una cooperazione comune."
    assert data["inLanguage"] == "it"
    assert NOTE["it"] not in html
    # English pages keep the original, with no note.
    english = page(client, meeting, "en")
    assert "<h1>Online conversation between the mayors</h1>" in english
    assert "Not yet translated" not in english


def test_a_text_nobody_translated_into_persian_is_the_original_tagged_english(
    client: Any,
) -> None:
    meeting = MeetingFactory(
        title="Online conversation between the mayors", title_it="Conversazione online"
    )
    html = page(client, meeting, "fa")
    assert heading(html) == '<h1 lang="en" dir="ltr">Online conversation between the mayors</h1>'
    assert NOTE["fa"] in html
    # Half translated: the translated title in the page's language, the summary in English.
    meeting.title_fa = "گفتگوی آنلاین شهرداران"
    meeting.summary = "The mayors proposed joint cooperation."
    meeting.save()
    html = page(client, meeting, "fa")
    assert heading(html) == "<h1>گفتگوی آنلاین شهرداران</h1>"
    assert '<div class="summary" lang="en" dir="ltr"><p>The mayors proposed' in html
    # The structured data says the same: the summary is the English original.
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["name"] == "گفتگوی آنلاین شهرداران"
    assert data["description"] == {
        "@value": "The mayors proposed joint cooperation.",
        "@language": "en",
    }
    assert NOTE["fa"] in html
    assert NOTE["vi"] in page(client, meeting, "vi")


def test_lists_and_the_partnership_page_show_titles_in_the_page_language(client: Any) -> None:
    partnership = PartnershipFactory(summary="Sister cities.", summary_vi="Thành phố kết nghĩa.")
    ProjectFactory(partnership=partnership, title="Joint music project", title_vi="Dự án âm nhạc")
    MeetingFactory(partnership=partnership, title="Online meeting")
    html = page(client, partnership, "vi")
    assert '<div class="summary"><p>Thành phố kết nghĩa.</p></div>' in html
    assert "<bdi>" in html and "Dự án âm nhạc" in html  # the timeline, in Vietnamese
    assert '<bdi lang="en" dir="ltr"><a href="/vi/meetings/' in html  # not translated
    assert NOTE["vi"] not in html  # the partnership's own summary is translated
    with translation.override("vi"):
        projects = client.get(reverse("directory:project-list")).content.decode()
    assert '<h3 class="card-title"><a href="/vi/projects/' in projects
    assert "Dự án âm nhạc</a></h3>" in projects


def test_the_admin_edits_each_language_in_its_direction(curator_login: Any) -> None:
    meeting = MeetingFactory()
    html = curator_login.get(admin_url(Meeting, "change", meeting.pk)).content.decode()
    for field in ("title", "summary", "outcomes"):
        assert re.search(rf'<(input|textarea)[^>]*name="{field}_fa"[^>]*>', html)
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{field}_fa"[^>]*>', html).group(0)
        assert 'lang="fa"' in tag and 'dir="rtl"' in tag
        assert f'name="{field}_it"' in html and f'name="{field}_vi"' in html
    for model, fields in (
        (Agreement, ("title", "summary")),
        (CulturalProject, ("title", "description", "outputs")),
        (Partnership, ("summary",)),
        (Network, ("description",)),
    ):
        record = {
            Agreement: lambda: Agreement.objects.create(
                partnership=PartnershipFactory(),
                title="A",
                slug="a",
                kind="twinning_pact",
                status="signed",
            ),
            CulturalProject: lambda: ProjectFactory(),
            Partnership: lambda: PartnershipFactory(),
            Network: lambda: NetworkFactory(),
        }[model]()
        html = curator_login.get(admin_url(model, "change", record.pk)).content.decode()
        for field in fields:
            assert f'name="{field}_vi"' in html, (model, field)


def edit_in_admin(client: Any, record: Any, **changes: str) -> None:
    url = admin_url(type(record), "change", record.pk)
    data = submitted(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_edited_translation_of_a_published_record_is_public_at_once_without_a_restart(
    client: Any,
    curator: Any,
    settings: Any,
    bumps: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PUBLIC_PAGE_CACHE = True
    meeting = MeetingFactory(summary="The mayors met.", summary_it="I sindaci si sono visti.")
    assert "I sindaci si sono visti." in page(client, meeting, "it")  # now cached
    client.force_login(curator)
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(client, meeting, summary_it="I sindaci si sono incontrati online.")
    assert bumps == [1]
    client.logout()
    html = page(client, meeting, "it")
    assert "I sindaci si sono incontrati online." in html
    assert "I sindaci si sono visti." not in html


def test_a_draft_translation_moves_no_public_cache(
    curator_login: Any, bumps: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = MeetingFactory(publication_state=PublicationState.DRAFT)
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit_in_admin(curator_login, meeting, title_it="Bozza")
    meeting.refresh_from_db()
    assert meeting.title_it == "Bozza"
    assert bumps == []


def test_the_history_keeps_translations_and_a_revert_restores_them(curator_login: Any) -> None:
    meeting = MeetingFactory(title_it="Incontro online")
    edit_in_admin(curator_login, meeting, title_it="Titolo sbagliato")
    meeting.refresh_from_db()
    assert meeting.title_it == "Titolo sbagliato"
    first = meeting.history.earliest()
    assert first.title_it == "Incontro online"
    # The admin's revert: the old version's form, saved as it is.
    url = reverse("admin:agreements_meeting_simple_history", args=[meeting.pk, first.pk])
    data = submitted(curator_login.get(url))
    assert curator_login.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_it == "Incontro online"


def test_the_seed_records_are_in_italian_persian_and_vietnamese(client: Any) -> None:
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    records = [
        *Partnership.objects.all(),
        *StatusChange.objects.all(),
        *Agreement.objects.all(),
        *Meeting.objects.all(),
        *CulturalProject.objects.all(),
        *Network.objects.all(),
        *Participant.objects.all(),
        *Signatory.objects.all(),
    ]
    for record in records:
        for field in record.translated_fields:
            for language in ("it", "fa", "vi"):
                # Every text the seed has is translated, and nothing the original lacks.
                assert bool(getattr(record, f"{field}_{language}")) == bool(
                    getattr(record, field)
                ), (record, field, language)
    # The Persian article's own words for its pact; the Vietnamese article's for its meeting.
    pact = Agreement.objects.get(slug="isfahan-florence-sister-city-pact")
    assert pact.title_fa == "پیمان خواهرخواندگی اصفهان و فلورانس"
    hanoi = Meeting.objects.get(slug="hanoi-chairman-receives-italian-ambassador-2022-09-20")
    assert "quan hệ kết nghĩa giữa các bảo tàng của Hà Nội và Rome" in hanoi.outcomes_vi
    carrara = Meeting.objects.get(slug="italian-unesco-creative-cities-carrara-2021")
    assert "appuntamento di riferimento per il Network" in carrara.summary_it
    # The roles in the articles' own words: "شهردار فلورانس", "Đại sứ Italia tại Việt Nam".
    assert Participant.objects.get(role="Mayor of Florence").role_fa == "شهردار فلورانس"
    assert Participant.objects.get(role="Ambassador of Italy to Vietnam").role_vi == (
        "Đại sứ Italia tại Việt Nam"
    )
    coordination = Network.objects.get(slug="italian-coordination-unesco-creative-cities")
    assert "affianca la città di Fabriano" in coordination.description_it
    html = page(client, coordination, "it")
    assert '<div class="summary"><p>Il coordinamento delle 11 Città Creative' in html
    html = page(client, pact, "fa")
    assert heading(html) == "<h1>پیمان خواهرخواندگی اصفهان و فلورانس</h1>"
    assert NOTE["fa"] not in html


def test_a_project_is_found_by_its_title_in_any_language(client: Any) -> None:
    project = ProjectFactory(title="Joint music project", title_it="Progetto musicale comune")
    with translation.override("it"):
        url = reverse("directory:search")
    html = client.get(url, {"q": "progetto musicale"}).content.decode()
    assert f'href="/it/projects/{project.slug}/"' in html
    assert "Progetto musicale comune</a>" in html


def test_status_notes_read_in_the_page_language_or_are_tagged_english(
    client: Any, curator_login: Any
) -> None:
    partnership = PartnershipFactory()
    StatusChange.objects.create(
        partnership=partnership,
        status="active",
        sequence=1,
        note="Activities and consultations to revive the relationship began.",
        note_fa="فعالیت‌ها و رایزنی‌هایی برای احیای روابط بین دو شهر آغاز شد.",
    )
    persian = page(client, partnership, "fa")
    assert "<bdi>فعالیت‌ها و رایزنی‌هایی برای احیای روابط" in persian
    assert "revive the relationship" not in persian
    assert NOTE["fa"] not in persian
    italian = page(client, partnership, "it")
    # No Italian yet: the English original, tagged as such, and said so.
    assert '<bdi lang="en" dir="ltr">Activities and consultations' in italian
    assert NOTE["it"] in italian
    # Edited in the partnership's page, each language in its direction.
    html = curator_login.get(admin_url(Partnership, "change", partnership.pk)).content.decode()
    tag = re.search(r'<textarea[^>]*name="status_changes-0-note_fa"[^>]*>', html).group(0)
    assert 'lang="fa"' in tag and 'dir="rtl"' in tag
    assert 'name="status_changes-0-note_it"' in html


def test_roles_read_in_the_page_language_on_every_page_that_names_them(
    client: Any, curator_login: Any
) -> None:
    """ "Mayor of Florence" was the last English text of a Persian partnership page."""
    meeting = MeetingFactory(title_fa="گفتگوی آنلاین شهرداران", title_it="Conversazione")
    organization = OrganizationFactory(name="Comune di Firenze")
    Participant.objects.create(
        meeting=meeting,
        organization=organization,
        role="Mayor of Florence",
        role_fa="شهردار فلورانس",
    )
    agreement = AgreementFactory(partnership=meeting.partnership, title_fa="پیمان")
    Signatory.objects.create(agreement=agreement, organization=organization, role="Party")
    persian_meeting = page(client, meeting, "fa")
    assert "<bdi>شهردار فلورانس</bdi>" in persian_meeting
    assert "Mayor of Florence" not in persian_meeting.split("application/ld+json")[0]
    assert NOTE["fa"] not in persian_meeting
    persian_partnership = page(client, meeting.partnership, "fa")
    assert "<bdi>شهردار فلورانس</bdi>" in persian_partnership
    # The signatory's role has no Persian yet: English, tagged, and the page says so.
    persian_agreement = page(client, agreement, "fa")
    assert '(<bdi lang="en" dir="ltr">Party</bdi>)' in persian_agreement
    assert NOTE["fa"] in persian_agreement
    italian = page(client, meeting.partnership, "it")
    assert '<bdi lang="en" dir="ltr">Mayor of Florence</bdi>' in italian
    assert NOTE["it"] in italian
    # Edited in the meeting's and the agreement's inlines, each language in its direction.
    html = curator_login.get(admin_url(Meeting, "change", meeting.pk)).content.decode()
    tag = re.search(r'<input[^>]*name="participants-0-role_fa"[^>]*>', html).group(0)
    assert 'lang="fa"' in tag and 'dir="rtl"' in tag
    html = curator_login.get(admin_url(Agreement, "change", agreement.pk)).content.decode()
    assert 'name="signatories-0-role_vi"' in html
