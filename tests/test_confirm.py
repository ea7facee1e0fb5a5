"""Records that stay true: the confirmation screen and its scope, what it records, what the
public page then says (and says without a restart), the filter by confirmation age and the
exports' column."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    ConfirmationMethod,
    Partnership,
    StatusChange,
)
from editors.models import CityAssignment

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CONFIRM = "/admin/agreements/partnership/confirm/"


@pytest.fixture
def ours(florence: Any) -> Partnership:
    """A published partnership of the Florence editor's city."""
    return PartnershipFactory(city_a=florence, city_b=CityFactory(name="Partner", slug="partner"))


@pytest.fixture
def theirs() -> Partnership:
    """A published partnership of two other cities."""
    return PartnershipFactory(
        city_a=CityFactory(name="Elsewhere", slug="elsewhere"),
        city_b=CityFactory(name="Faraway", slug="faraway"),
    )


@pytest.fixture
def other_editor_client(client: Any, django_user_model: Any, theirs: Partnership) -> Any:
    """The editor of another city (one of ``theirs``)."""
    user = django_user_model.objects.create_user("other", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=user, city=theirs.city_a)
    client.force_login(user)
    return client


def snapshot(*records: Partnership) -> list[tuple[Any, ...]]:
    rows = Partnership.objects.filter(pk__in=[r.pk for r in records]).order_by("pk")
    return [
        (*row, StatusChange.objects.filter(partnership_id=row[0]).count())
        for row in rows.values_list("pk", "status", "confirmed_at", "confirmed_how", "ended")
    ]


# -- the screen and its scope, as an attacker tries it ------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_and_change_nothing(
    client: Any, ours: Partnership
) -> None:
    before = snapshot(ours)
    page = client.get(CONFIRM)
    assert page.status_code == 302 and page.url.startswith(reverse("admin:login"))
    forged = client.post(
        CONFIRM, {"partnership": [ours.pk], "outcome": "ended", "date": "2020-01-01"}
    )
    assert forged.status_code == 302 and forged.url.startswith(reverse("admin:login"))
    assert snapshot(ours) == before


def test_an_editor_sees_only_their_citys_partnerships(
    editor_client: Any, ours: Partnership, theirs: Partnership
) -> None:
    page = editor_client.get(CONFIRM)
    assert page.status_code == 200
    listed = list(page.context["page"].object_list)
    assert listed == [ours]
    assert "Elsewhere" not in page.content.decode()


def test_an_editor_without_cities_is_refused(
    client: Any, django_user_model: Any, ours: Partnership
) -> None:
    user = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="City editors"))
    client.force_login(user)
    before = snapshot(ours)
    assert client.get(CONFIRM).status_code == 403
    assert client.post(CONFIRM, {"only": ours.pk}).status_code == 403
    assert snapshot(ours) == before


def test_another_citys_editor_cannot_confirm_ours_with_a_forged_post(
    other_editor_client: Any, ours: Partnership, theirs: Partnership
) -> None:
    page = other_editor_client.get(CONFIRM)
    assert list(page.context["page"].object_list) == [theirs]
    before = snapshot(ours, theirs)
    for forged in (
        {"only": ours.pk},
        {"partnership": [ours.pk], "outcome": "ended", "date": "2020-01-01"},
        # one of theirs and one of ours: refused whole, theirs unchanged too
        {"partnership": [theirs.pk, ours.pk], "outcome": "dormant"},
        {"partnership": [999999], "outcome": "confirmed"},
    ):
        response = other_editor_client.post(CONFIRM, forged)
        assert response.status_code == 403, forged
    assert snapshot(ours, theirs) == before


def test_an_editor_cannot_pass_as_a_curator_or_a_source(
    editor_client: Any, editor: Any, ours: Partnership
) -> None:
    editor_client.post(CONFIRM, {"only": ours.pk, "how": ConfirmationMethod.CURATOR})
    ours.refresh_from_db()
    assert ours.confirmed_how == ConfirmationMethod.CITY
    assert ours.confirmed_city_id == ours.city_a_id  # Florence, not the partner


def test_a_malformed_id_or_age_is_a_400_not_a_server_error(
    editor_client: Any, ours: Partnership
) -> None:
    assert (
        editor_client.post(CONFIRM, {"partnership": ["x"], "outcome": "confirmed"}).status_code
        == 400
    )
    assert editor_client.get(CONFIRM + "?confirmed=decade").status_code == 400
    assert editor_client.get(CONFIRM + "?page=99").status_code == 404


# -- what a confirmation records ------------------------------------------------------------------


def test_a_confirmation_records_who_when_and_how_with_history(
    editor_client: Any, editor: Any, ours: Partnership
) -> None:
    before = timezone.now()
    response = editor_client.post(CONFIRM, {"only": ours.pk, "note": "Phoned the twinning office"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.confirmed_at is not None and ours.confirmed_at >= before
    assert (ours.confirmed_how, ours.confirmed_city_id, ours.confirmed_by) == (
        ConfirmationMethod.CITY,
        ours.city_a_id,
        editor,
    )
    assert ours.confirmed_note == "Phoned the twinning office"
    assert ours.status == "active"  # confirmed as recorded: unchanged
    last = ours.history.order_by("-history_id").first()
    assert last.history_user == editor
    assert last.confirmed_at == ours.confirmed_at
    assert last.confirmed_note == "Phoned the twinning office"


def test_marking_ended_in_bulk_is_a_step_of_the_life_cycle(
    editor_client: Any, editor: Any, florence: Any
) -> None:
    first, second = PartnershipFactory(city_a=florence), PartnershipFactory(city_b=florence)
    response = editor_client.post(
        CONFIRM,
        {
            "partnership": [first.pk, second.pk],
            "outcome": "ended",
            "date": "2024-06-30",
            "note": "Council vote",
        },
    )
    assert response.status_code == 302
    for record in (first, second):
        record.refresh_from_db()
        assert record.status == "ended"
        assert record.ended == datetime.date(2024, 6, 30)
        assert record.ended_precision == "day"
        assert record.confirmed_by == editor
        change = record.status_changes.get()
        assert (change.status, change.date, change.date_precision) == (
            "ended",
            datetime.date(2024, 6, 30),
            "day",
        )


def test_ended_needs_a_date_and_no_date_before_its_start(
    editor_client: Any, ours: Partnership
) -> None:
    before = snapshot(ours)
    missing = editor_client.post(CONFIRM, {"partnership": [ours.pk], "outcome": "ended"})
    assert missing.status_code == 400
    assert "Give the date on which the partnership ended." in missing.content.decode()
    early = editor_client.post(
        CONFIRM, {"partnership": [ours.pk], "outcome": "ended", "date": "1980-01-01"}, follow=True
    )
    assert "A partnership cannot end before it is established." in early.content.decode()
    assert snapshot(ours) == before


def test_marking_dormant_adds_a_status_change_after_the_others(
    curator_login: Any, curator: Any, ours: Partnership
) -> None:
    StatusChange.objects.create(partnership=ours, status="active", sequence=3)
    curator_login.post(
        CONFIRM,
        {"partnership": [ours.pk], "outcome": "dormant", "how": "source", "date": "2023-05-01"},
    )
    ours.refresh_from_db()
    assert ours.status == "dormant"
    assert (ours.confirmed_how, ours.confirmed_city_id, ours.confirmed_by) == (
        "source",
        None,
        curator,
    )
    latest = ours.status_changes.order_by("-sequence").first()
    assert (latest.status, latest.sequence) == ("dormant", 4)


def test_a_curator_confirms_any_partnership(
    curator_login: Any, ours: Partnership, theirs: Partnership
) -> None:
    page = curator_login.get(CONFIRM)
    assert set(page.context["page"].object_list) == {ours, theirs}
    curator_login.post(CONFIRM, {"partnership": [ours.pk, theirs.pk], "outcome": "confirmed"})
    assert Partnership.objects.filter(confirmed_how="curator").count() == 2


# -- the public page ------------------------------------------------------------------------------


def test_the_public_page_says_who_confirmed_and_when_at_once(
    editor_client: Any,
    client: Any,
    ours: Partnership,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.PUBLIC_PAGE_CACHE = True  # as in production: whole pages cached
    url = ours.get_absolute_url()
    assert "Not yet confirmed" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(CONFIRM, {"only": ours.pk})
    month = timezone.localdate().strftime("%B %Y")
    text = client.get(url).content.decode()
    assert "Last confirmed by the city of <bdi>Florence</bdi> in <time" in text
    assert month in text
    assert "may be out of date" not in text


def test_the_page_says_when_a_curator_or_a_source_confirmed_it(
    client: Any, ours: Partnership
) -> None:
    Partnership.objects.filter(pk=ours.pk).update(
        confirmed_at=datetime.datetime(2025, 3, 14, tzinfo=datetime.UTC), confirmed_how="source"
    )
    text = client.get(ours.get_absolute_url()).content.decode()
    assert 'Last confirmed from a source in <time datetime="2025-03">March 2025</time>.' in text


def test_a_record_unconfirmed_for_over_five_years_may_be_out_of_date(
    client: Any, ours: Partnership
) -> None:
    today = timezone.localdate()
    just_inside = timezone.make_aware(
        datetime.datetime(today.year - 5, today.month, min(today.day, 28))
        + datetime.timedelta(days=2)
    )
    Partnership.objects.filter(pk=ours.pk).update(confirmed_at=just_inside, confirmed_how="curator")
    assert "may be out of date" not in client.get(ours.get_absolute_url()).content.decode()
    long_ago = timezone.make_aware(datetime.datetime(today.year - 6, 1, 1))
    Partnership.objects.filter(pk=ours.pk).update(confirmed_at=long_ago)
    text = client.get(ours.get_absolute_url()).content.decode()
    assert "This record may be out of date:" in text
    assert "Last confirmed by a curator in" in text


def test_a_record_never_confirmed_and_public_for_over_five_years_may_be_out_of_date(
    client: Any, ours: Partnership
) -> None:
    assert "may be out of date" not in client.get(ours.get_absolute_url()).content.decode()
    Partnership.objects.filter(pk=ours.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=6 * 366)
    )
    assert "may be out of date" in client.get(ours.get_absolute_url()).content.decode()


def test_the_staleness_is_that_of_the_day_the_page_is_read(ours: Partnership) -> None:
    ours.confirmed_at = timezone.make_aware(datetime.datetime(2020, 3, 10, 12))
    assert not ours.may_be_out_of_date(today=datetime.date(2025, 3, 10))
    assert ours.may_be_out_of_date(today=datetime.date(2025, 3, 11))


def test_the_note_and_the_confirming_user_never_reach_the_public(
    editor_client: Any, client: Any, ours: Partnership
) -> None:
    editor_client.post(CONFIRM, {"only": ours.pk, "note": "private-note-text"})
    for url in (
        ours.get_absolute_url(),
        f"/api/v1/partnerships/{ours.slug}/",
        "/api/v1/partnerships/",
        "/partnerships/?format=csv",
        "/partnerships/?format=json",
    ):
        body = (
            b"".join(client.get(url).streaming_content)
            if url.endswith(("csv", "json"))
            else client.get(url).content
        )
        assert b"private-note-text" not in body, url
        assert b'"editor"' not in body and b",editor," not in body, url


# -- the filter and the exports -------------------------------------------------------------------


def ages(client: Any, path: str, age: str) -> set[str]:
    response = client.get(f"{path}?confirmed={age}")
    assert response.status_code == 200, response.content
    if path.startswith("/api/"):
        return {row["slug"] for row in response.json()["results"]}
    return {card.slug for card in response.context["page"].object_list}


@pytest.fixture
def confirmed_at_ages() -> dict[str, Partnership]:
    now = timezone.now()
    records = {}
    for age, when in {
        "year": now - datetime.timedelta(days=30),
        "1-5": now - datetime.timedelta(days=3 * 365),
        "over-5": now - datetime.timedelta(days=8 * 365),
        "never": None,
    }.items():
        record = PartnershipFactory()
        if when:
            Partnership.objects.filter(pk=record.pk).update(
                confirmed_at=when, confirmed_how="curator"
            )
        records[age] = record
    return records


@pytest.mark.parametrize("path", ["/partnerships/", "/api/v1/partnerships/"])
def test_browse_and_api_filter_by_confirmation_age(
    client: Any, path: str, confirmed_at_ages: dict[str, Partnership]
) -> None:
    for age, record in confirmed_at_ages.items():
        assert ages(client, path, age) == {record.slug}, age
    both = client.get(f"{path}?confirmed=year&confirmed=never")
    assert both.status_code == 200
    assert client.get(f"{path}?confirmed=soon").status_code == 400


def test_the_filter_from_the_database_agrees_with_the_bitmaps(
    client: Any, settings: Any, confirmed_at_ages: dict[str, Partnership]
) -> None:
    settings.FACET_BITMAPS = "off"
    for age, record in confirmed_at_ages.items():
        assert ages(client, "/partnerships/", age) == {record.slug}, age


def test_the_age_is_counted_from_the_day_it_is_read(
    confirmed_at_ages: dict[str, Partnership],
) -> None:
    recent = confirmed_at_ages["year"]
    later = timezone.localdate() + datetime.timedelta(days=400)
    assert not Partnership.objects.confirmed("year", today=later).filter(pk=recent.pk).exists()
    assert Partnership.objects.confirmed("1-5", today=later).filter(pk=recent.pk).exists()


def test_the_exports_carry_the_last_confirmed_date(
    client: Any, ours: Partnership, theirs: Partnership
) -> None:
    Partnership.objects.filter(pk=ours.pk).update(
        confirmed_at=datetime.datetime(2025, 3, 14, 9, tzinfo=datetime.UTC),
        confirmed_how="city",
        confirmed_city=ours.city_a,
    )
    response = client.get("/partnerships/?format=csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug[ours.slug]["last_confirmed"] == "2025-03-14"
    assert by_slug[ours.slug]["last_confirmed_how"] == "city"
    assert by_slug[theirs.slug]["last_confirmed"] == ""
    api = client.get(f"/api/v1/partnerships/{ours.slug}/").json()
    assert (api["last_confirmed"], api["last_confirmed_how"]) == ("2025-03-14", "city")


def test_the_admin_changelist_filters_by_confirmation_age(
    curator_login: Any, confirmed_at_ages: dict[str, Partnership]
) -> None:
    for age, record in confirmed_at_ages.items():
        page = curator_login.get(f"/admin/agreements/partnership/?confirmed={age}")
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [record], age
    unknown = curator_login.get("/admin/agreements/partnership/?confirmed=soon")
    assert list(unknown.context["cl"].result_list) == []
