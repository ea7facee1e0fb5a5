"""Merging duplicates in the admin (issue 14): a phantom city into the real one, a partnership
recorded twice, with a preview, history on both records, a log, the old address redirecting,
and a revert that leaves the database as it was."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreements.merge_admin import revert_url
from agreements.merging import REVIEWED, relations_to, unreviewed
from agreements.models import (
    Agreement,
    ConfirmationMethod,
    CulturalProject,
    Meeting,
    MergeLog,
    Organization,
    Partnership,
    PartnershipFacet,
    PartnershipKind,
    StatusChange,
    Theme,
    ThemedItem,
)
from cities.models import Citation, City, CityName, NetworkMembership, OtherWikidataId
from editors.models import CityAssignment
from suggestions.models import Suggestion

from .factories import (
    AgreementFactory,
    CityFactory,
    CityNameFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CITY_MERGE = "/admin/cities/city/merge/"
PARTNERSHIP_MERGE = "/admin/agreements/partnership/merge/"
CITY_MERGES = "/admin/cities/city/merges/"


@pytest.fixture
def cached_site(settings: Any) -> None:
    """As in production: whole pages cached, facet counts from bitmaps."""
    settings.PUBLIC_PAGE_CACHE = True
    settings.FACET_BITMAPS = "sync"


@pytest.fixture
def phantom(django_user_model: Any) -> dict[str, Any]:
    """Brivela Gaillarde, a misspelt duplicate of Brive-la-Gaillarde, with one of every kind
    of record that can point at a city."""
    brive = CityFactory(name="Brive-la-Gaillarde", slug="brive-la-gaillarde", country="FR")
    brive.wikidata_id = "Q2"
    brive.save()
    phantom = CityFactory(name="Brivela Gaillarde", slug="brivela-gaillarde", country="FR")
    phantom.wikidata_id = "Q1"
    phantom.save()
    lower, higher = CityFactory(name="Lower"), CityFactory(name="Higher")
    shared = CityFactory(name="Shared")
    moved = PartnershipFactory(
        city_a=phantom,
        city_b=lower,
        confirmed_at=timezone.now(),
        confirmed_how=ConfirmationMethod.CITY,
        confirmed_city=phantom,
    )
    moved_up = PartnershipFactory(city_a=phantom, city_b=higher)
    twin_removed = PartnershipFactory(city_a=phantom, city_b=shared)
    twin_kept = PartnershipFactory(city_a=brive, city_b=shared)
    AgreementFactory(partnership=twin_removed, signed_place=phantom)
    meeting = MeetingFactory(partnership=twin_removed, place=phantom)
    meeting.cities.add(phantom, brive)
    project = ProjectFactory(partnership=moved)
    project.cities.add(phantom)
    StatusChange.objects.create(partnership=twin_removed, status="active", sequence=0)
    source = SourceFactory()
    Citation.objects.create(source=source, record=phantom, excerpt="Brivela")
    Citation.objects.create(source=source, record=twin_removed, excerpt="twinned")
    music = Theme.objects.get(slug="music")
    twin_removed.themes.add(music)
    twin_kept.themes.add(music)
    CityNameFactory(city=phantom, name="Brive", language="fr", is_preferred=True)
    CityNameFactory(city=brive, name="Brive-la-Gaillarde", language="fr", is_preferred=True)
    CityNameFactory(city=phantom, name="Briva", language="oc")
    OtherWikidataId.objects.create(city=phantom, wikidata_id="Q3")
    network = NetworkFactory()
    twin_membership = MembershipFactory(city=phantom, network=network, field="Music")
    Citation.objects.create(source=source, record=twin_membership, excerpt="a member")
    kept_membership = MembershipFactory(city=brive, network=network, field="Music")
    MembershipFactory(city=phantom, network=network, field="Design")
    OrganizationFactory(city=phantom)
    district = CityFactory(name="Quartier", level=City.Level.DISTRICT, parent=phantom)
    editor = django_user_model.objects.create_user("brive", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=editor, city=phantom)
    CityAssignment.objects.create(user=editor, city=brive)
    suggestion = Suggestion.objects.create(
        kind="correction",
        content_type=ContentType.objects.get_for_model(City),
        object_id=phantom.pk,
        record_label=str(phantom),
        proposed="The name is misspelt.",
        language="en",
        city=phantom,
    )
    suggestion.cities.add(phantom)
    return {
        "brive": brive,
        "phantom": phantom,
        "moved": moved,
        "moved_up": moved_up,
        "twin_removed": twin_removed,
        "twin_kept": twin_kept,
        "meeting": meeting,
        "project": project,
        "district": district,
        "editor": editor,
        "suggestion": suggestion,
        "kept_membership": kept_membership,
    }


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """The rows a merge touches, as they are (without the time of the last save, which a
    revert moves on)."""
    models: list[Any] = [
        City,
        CityName,
        OtherWikidataId,
        NetworkMembership,
        Organization,
        Partnership,
        Agreement,
        Meeting,
        Meeting.cities.through,
        CulturalProject,
        CulturalProject.cities.through,
        StatusChange,
        Citation,
        ThemedItem,
        CityAssignment,
        Suggestion,
        Suggestion.cities.through,
    ]
    rows = {}
    for model in models:
        rows[model._meta.label] = [
            {key: value for key, value in row.items() if key != "updated_at"}
            for row in model._base_manager.order_by("pk").values()
        ]
    rows["facets"] = sorted(
        PartnershipFacet.objects.values_list("record", "facet", "value"), key=repr
    )
    return rows


def same_rows(after: dict[str, Any], before: dict[str, Any]) -> bool:
    """Whether two snapshots agree; the first difference is printed for the failure."""
    for key in before:
        if after[key] != before[key]:
            changed = [
                pair for pair in zip(after[key], before[key], strict=False) if pair[0] != pair[1]
            ]
            print(key, changed[:2] or (len(after[key]), len(before[key])))
            return False
    return True


def merge_cities(client: Client, kept: City, removed: City) -> Any:
    return client.post(
        CITY_MERGE, {"ids": f"{kept.pk},{removed.pk}", "kept": kept.pk, "merge": "1"}
    )


def test_every_relation_to_a_city_or_a_partnership_is_reviewed() -> None:
    """A new model or field pointing at a city or a partnership fails here until someone says
    how a merge treats it (agreements.merging.REVIEWED)."""
    assert unreviewed(City) == []
    assert unreviewed(Partnership) == []
    known = {relation.key for model in (City, Partnership) for relation in relations_to(model)}
    installed = {model._meta.label for model in apps.get_models()}
    listed = {key for key in REVIEWED if key.rsplit(".", 1)[0].split("_")[0] in installed}
    assert listed <= known  # and nothing stale is listed


def test_the_preview_shows_what_moves_and_changes_nothing(
    curator_login: Client, phantom: dict[str, Any]
) -> None:
    before = snapshot()
    brive, ghost = phantom["brive"], phantom["phantom"]
    page = curator_login.get(CITY_MERGE, {"ids": f"{brive.pk},{ghost.pk}", "kept": brive.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<div class="breadcrumbs">' in html and "Merge two cities" in html
    for moving in ("Brivela Gaillarde – Lower", "Quartier", "Meeting", "Organization", "Briva"):
        assert moving in html
    # A partnership of the same pair is merged, not duplicated, and says so.
    assert "is the same as one of the record kept" in html
    assert "Merge Brivela Gaillarde (FR) into Brive-la-Gaillarde (FR)" in html
    assert same_rows(snapshot(), before)
    assert not MergeLog.objects.exists()


def test_merging_a_phantom_city_moves_everything_and_reverting_restores_it(
    curator_login: Client, phantom: dict[str, Any]
) -> None:
    before = snapshot()
    brive, ghost = phantom["brive"], phantom["phantom"]
    response = merge_cities(curator_login, brive, ghost)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cities_city_change", args=[brive.pk])
    assert not City.objects.filter(pk=ghost.pk).exists()
    # Partnerships: moved, in canonical order, and the twin pair merged into the kept one.
    moved = Partnership.objects.get(pk=phantom["moved"].pk)
    assert {moved.city_a_id, moved.city_b_id} == {brive.pk, phantom["moved"].city_b_id}
    assert moved.city_a_id < moved.city_b_id
    assert moved.confirmed_city_id == brive.pk  # confirmed by the city, now under its name
    # Its address was made from the phantom's slug: it is made again, the old one redirects.
    assert moved.slug == f"brive-la-gaillarde-{phantom['moved'].city_b.slug}"
    assert MergeLog.objects.filter(removed_slug=phantom["moved"].slug, survivor_id=moved.pk)
    assert not Partnership.objects.filter(pk=phantom["twin_removed"].pk).exists()
    twin = phantom["twin_kept"]
    assert twin.agreements.get().signed_place_id == brive.pk
    assert twin.meetings.get().place_id == brive.pk
    assert list(phantom["meeting"].cities.all()) == [brive]
    assert twin.status_changes.count() == 1
    assert Citation.objects.for_object(twin).get().excerpt == "twinned"
    assert [theme.slug for theme in twin.themes.all()] == ["music"]  # one tag, not two
    # The city's own records.
    assert Citation.objects.for_object(brive).get().excerpt == "Brivela"
    names = set(brive.names.values_list("name", "language", "is_preferred"))
    assert names == {
        ("Brive-la-Gaillarde", "fr", True),
        ("Brive", "fr", False),  # one preferred name per language: the kept city's
        ("Briva", "oc", False),
        ("Brivela Gaillarde", "", False),  # the removed city's name, another name now
    }
    assert set(brive.other_wikidata_ids.values_list("wikidata_id", flat=True)) == {"Q1", "Q3"}
    assert City.objects.with_wikidata_id("Q1").get() == brive
    memberships = NetworkMembership.objects.filter(city=brive)
    assert sorted(memberships.values_list("field", flat=True)) == ["Design", "Music"]
    # The same membership twice is one, with the removed one's citation.
    assert Citation.objects.for_object(phantom["kept_membership"]).get().excerpt == "a member"
    assert Organization.objects.get().city_id == brive.pk
    assert City.objects.get(pk=phantom["district"].pk).parent_id == brive.pk
    assert list(phantom["project"].cities.all()) == [brive]
    assert list(CityAssignment.objects.values_list("city", flat=True)) == [brive.pk]
    suggestion = Suggestion.objects.get()
    assert (suggestion.object_id, suggestion.city_id) == (brive.pk, brive.pk)
    assert list(suggestion.cities.all()) == [brive]
    # History on both, with the reason; a log of what moved.
    kept_history = brive.history.first()
    assert kept_history.history_change_reason.startswith("merged Brivela Gaillarde")
    removed_history = City.history.filter(id=ghost.pk).first()
    assert removed_history.history_type == "-"
    assert removed_history.history_change_reason.startswith("merged into Brive-la-Gaillarde")
    log = MergeLog.objects.get(parent=None)
    assert (log.survivor_id, log.removed_id, log.removed_slug) == (
        brive.pk,
        ghost.pk,
        "brivela-gaillarde",
    )
    assert log.removed_data["name"] == "Brivela Gaillarde"
    assert log.moved["agreements.Organization.city"] == [Organization.objects.get().pk]
    nested = MergeLog.objects.get(parent=log, removed_id=phantom["twin_removed"].pk)
    assert nested.removed_id == phantom["twin_removed"].pk and nested.survivor_id == twin.pk
    # The kept city's page and the list of merges lead to the revert screen.
    revert_at = revert_url(log)
    kept_page = curator_login.get(reverse("admin:cities_city_change", args=[brive.pk]))
    assert revert_at in kept_page.content.decode()
    assert "Brivela Gaillarde (FR) was merged into this record" in kept_page.content.decode()
    changelist = curator_login.get(reverse("admin:cities_city_changelist")).content.decode()
    assert f'href="{CITY_MERGES}"' in changelist
    merges = curator_login.get(f"{CITY_MERGES}")
    assert merges.status_code == 200 and revert_at in merges.content.decode()
    # Revert: the screen, then the button.
    screen = curator_login.get(revert_at)
    assert screen.status_code == 200 and "brivela-gaillarde" in screen.content.decode()
    assert curator_login.post(revert_at).status_code == 302
    assert same_rows(snapshot(), before)
    restored = City.objects.get(pk=ghost.pk)
    assert restored.slug == "brivela-gaillarde"
    assert restored.history.first().history_change_reason.startswith("merge reverted")
    assert MergeLog.objects.get(pk=log.pk).reverted_at is not None
    assert curator_login.post(revert_at).status_code == 400  # not twice


def test_a_partnership_of_the_two_cities_blocks_the_merge(curator_login: Client) -> None:
    brive = CityFactory(name="Brive-la-Gaillarde")
    ghost = CityFactory(name="Brivela Gaillarde")
    PartnershipFactory(city_a=brive, city_b=ghost)
    before = snapshot()
    preview = curator_login.get(CITY_MERGE, {"ids": f"{brive.pk},{ghost.pk}"})
    html = preview.content.decode()
    assert "This merge cannot be made" in html and "with itself" in html
    assert 'name="merge"' not in html
    forced = merge_cities(curator_login, brive, ghost)
    assert forced.status_code == 400
    assert "Nothing was merged" in forced.content.decode()
    assert same_rows(snapshot(), before)


def test_merging_a_partnership_recorded_twice_and_reverting(curator_login: Client) -> None:
    florence, isfahan = CityFactory(name="Florence"), CityFactory(name="Isfahan")
    kept = PartnershipFactory(city_a=florence, city_b=isfahan)
    twice = PartnershipFactory(
        city_a=florence, city_b=isfahan, kind=PartnershipKind.FRIENDSHIP, slug="twice"
    )
    agreement = AgreementFactory(partnership=twice)
    meeting = MeetingFactory(partnership=twice)
    project = ProjectFactory(partnership=twice)
    StatusChange.objects.create(partnership=twice, status="active", sequence=0)
    Citation.objects.create(source=SourceFactory(), record=twice, excerpt="recorded twice")
    twice.themes.add(Theme.objects.get(slug="heritage"))
    before = snapshot()
    response = curator_login.post(
        PARTNERSHIP_MERGE, {"ids": f"{kept.pk},{twice.pk}", "kept": kept.pk, "merge": "1"}
    )
    assert response.status_code == 302
    assert not Partnership.objects.filter(pk=twice.pk).exists()
    for record in (agreement, meeting, project):
        record.refresh_from_db()
        assert record.partnership_id == kept.pk
    assert kept.status_changes.count() == 1
    assert Citation.objects.for_object(kept).get().excerpt == "recorded twice"
    assert [theme.slug for theme in kept.themes.all()] == ["heritage"]
    assert kept.history.first().history_change_reason.startswith("merged Florence")
    log = MergeLog.objects.get()
    assert log.moved["agreements.Agreement.partnership"] == [agreement.pk]
    curator_login.post(revert_url(log))
    assert same_rows(snapshot(), before)
    assert Partnership.objects.get(pk=twice.pk).slug == "twice"


def test_partnerships_of_different_cities_are_not_merged(curator_login: Client) -> None:
    one, other = PartnershipFactory(), PartnershipFactory()
    response = curator_login.post(
        PARTNERSHIP_MERGE, {"ids": f"{one.pk},{other.pk}", "kept": one.pk, "merge": "1"}
    )
    assert response.status_code == 400
    assert "same two cities" in response.content.decode()
    assert Partnership.objects.count() == 2


def test_the_action_takes_exactly_two(curator_login: Client) -> None:
    cities = [CityFactory() for _ in range(3)]
    changelist = reverse("admin:cities_city_changelist")
    for chosen in (cities[:1], cities):
        response = curator_login.post(
            changelist,
            {"action": "merge_selected", "_selected_action": [city.pk for city in chosen]},
            follow=True,
        )
        assert "Select exactly two records to merge them." in response.content.decode()
    response = curator_login.post(
        changelist, {"action": "merge_selected", "_selected_action": [c.pk for c in cities[:2]]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CITY_MERGE}?ids={cities[0].pk},{cities[1].pk}"
    one, other = PartnershipFactory(), PartnershipFactory()
    response = curator_login.post(
        reverse("admin:agreements_partnership_changelist"),
        {"action": "merge_selected", "_selected_action": [one.pk, other.pk]},
    )
    assert response["Location"].startswith(PARTNERSHIP_MERGE)


@pytest.mark.parametrize(
    "query",
    [{"ids": "abc"}, {"ids": "1"}, {"ids": "1,1"}, {"ids": "1,99999999999999999999"}, {}],
)
def test_bad_requests_are_400(curator_login: Client, query: dict[str, str]) -> None:
    assert curator_login.get(CITY_MERGE, query).status_code == 400


def test_unknown_records_and_a_stranger_kept_are_refused(curator_login: Client) -> None:
    one, other = CityFactory(), CityFactory()
    assert curator_login.get(CITY_MERGE, {"ids": f"{one.pk},{other.pk + 50}"}).status_code == 404
    stranger = {"ids": f"{one.pk},{other.pk}", "kept": other.pk + 50}
    assert curator_login.get(CITY_MERGE, stranger).status_code == 400
    assert curator_login.get(f"{CITY_MERGES}12345/revert/").status_code == 404
    assert curator_login.get(f"{CITY_MERGES}", {"page": "abc"}).status_code == 404


def test_only_curators_merge_or_revert(
    client: Client, curator_login: Client, phantom: dict[str, Any]
) -> None:
    brive, ghost = phantom["brive"], phantom["phantom"]
    merge_cities(curator_login, brive, ghost)
    log = MergeLog.objects.get(parent=None)
    curator_login.logout()
    other = CityFactory(name="Tulle")
    after = snapshot()
    revert_at = revert_url(log)
    # Anonymous: sent to the login, nothing done.
    for url in (CITY_MERGE, PARTNERSHIP_MERGE, revert_at):
        response = client.post(url, {"ids": f"{brive.pk},{other.pk}", "merge": "1"})
        assert response.status_code == 302 and "/login/" in response["Location"]
    # An editor of both cities: no action, and forged requests are refused.
    client.force_login(phantom["editor"])
    changelist = client.get(reverse("admin:cities_city_changelist"))
    assert "merge_selected" not in changelist.content.decode()
    forged = client.post(
        reverse("admin:cities_city_changelist"),
        {"action": "merge_selected", "_selected_action": [brive.pk, other.pk]},
    )
    assert forged.status_code in (200, 302) and not forged.get("Location", "").startswith(
        CITY_MERGE
    )
    assert client.get(CITY_MERGE, {"ids": f"{brive.pk},{other.pk}"}).status_code == 403
    assert merge_cities(client, brive, other).status_code == 403
    assert client.get(revert_at).status_code == 403
    assert client.post(revert_at).status_code == 403
    assert client.get(f"{CITY_MERGES}").status_code == 403  # the list of merges
    assert "Merges" not in changelist.content.decode()
    assert same_rows(snapshot(), after)


def test_a_merge_needs_the_csrf_token(curator: Any) -> None:
    one, other = CityFactory(), CityFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    response = merge_cities(client, one, other)
    assert response.status_code == 403
    assert City.objects.filter(pk=other.pk).exists()


# Committed for real: the merge and the revert are two transactions, each one public change.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_public_sees_the_merge_and_its_revert_at_once_without_a_restart(
    client: Client, curator: Any, cached_site: None, bumps: list[int]
) -> None:
    brive = CityFactory(name="Brive-la-Gaillarde", slug="brive-la-gaillarde", country="FR")
    ghost = CityFactory(name="Brivela Gaillarde", slug="brivela-gaillarde", country="FR")
    lower = CityFactory(name="Lower", country="DE")
    shared = CityFactory(name="Shared", country="DE")
    moved = PartnershipFactory(city_a=ghost, city_b=lower)
    twin = PartnershipFactory(city_a=ghost, city_b=shared)
    PartnershipFactory(city_a=brive, city_b=shared)

    def public_view() -> dict[str, Any]:
        ghost_page = client.get("/cities/brivela-gaillarde/")
        twin_page = client.get(f"/partnerships/{twin.slug}/")
        moved_page = client.get(f"/partnerships/{moved.slug}/")
        return {
            "moved page": (moved_page.status_code, moved_page.get("Location")),
            "phantom page": (ghost_page.status_code, ghost_page.get("Location")),
            "twin page": (twin_page.status_code, twin_page.get("Location")),
            "Brive lists Lower": "Lower"
            in client.get("/cities/brive-la-gaillarde/").content.decode(),
            "browse lists the phantom": "Brivela" in client.get("/partnerships/").content.decode(),
            "api count": client.get("/api/v1/partnerships/").json()["count"],
            "Germany filter count": client.get("/api/v1/partnerships/?country=DE").json()["count"],
        }

    before = public_view()
    assert before == {
        "moved page": (200, None),
        "phantom page": (200, None),
        "twin page": (200, None),
        "Brive lists Lower": False,
        "browse lists the phantom": True,
        "api count": 3,
        "Germany filter count": 3,
    }
    staff = Client()
    staff.force_login(curator)
    bumps.clear()
    assert merge_cities(staff, brive, ghost).status_code == 302
    assert len(bumps) == 1  # one public change for the whole merge
    kept_twin = Partnership.objects.get(city_b=shared)
    assert public_view() == {
        "moved page": (301, f"/partnerships/brive-la-gaillarde-{lower.slug}/"),
        "phantom page": (301, "/cities/brive-la-gaillarde/"),
        "twin page": (301, f"/partnerships/{kept_twin.slug}/"),
        "Brive lists Lower": True,
        "browse lists the phantom": False,
        "api count": 2,
        "Germany filter count": 2,
    }
    log = MergeLog.objects.get(parent=None)
    bumps.clear()
    assert staff.post(revert_url(log)).status_code == 302
    assert len(bumps) == 1
    assert public_view() == before


def test_a_later_merge_of_the_same_records_must_be_reverted_first(curator_login: Client) -> None:
    first, second, third = (CityFactory(name=name) for name in ("Brive", "Brivela", "Brivé"))
    PartnershipFactory(city_a=second, city_b=CityFactory())
    merge_cities(curator_login, first, second)
    merge_cities(curator_login, first, third)
    older, newer = MergeLog.objects.filter(parent=None).order_by("pk")
    refused = curator_login.post(revert_url(older))
    assert refused.status_code == 400 and "revert it first" in refused.content.decode()
    assert curator_login.post(revert_url(newer)).status_code == 302
    assert curator_login.post(revert_url(older)).status_code == 302
    assert City.objects.filter(pk__in=[second.pk, third.pk]).count() == 2


def test_identifiers_only_the_removed_city_had_pass_to_the_city_kept(curator_login: Client) -> None:
    kept = CityFactory(name="Brive-la-Gaillarde")
    removed = CityFactory(name="Brive", geonames_id=3029974, wikidata_id="Q193849")
    before = snapshot()
    assert merge_cities(curator_login, kept, removed).status_code == 302
    kept.refresh_from_db()
    assert (kept.geonames_id, kept.wikidata_id) == (3029974, "Q193849")
    assert not OtherWikidataId.objects.exists()
    curator_login.post(revert_url(MergeLog.objects.get()))
    assert same_rows(snapshot(), before)


def test_a_district_merged_with_its_own_city(curator_login: Client) -> None:
    """The city kept was recorded as a district of the phantom: it is no longer part of
    anything, and the phantom's other districts become its own."""
    ghost = CityFactory(name="Brivela Gaillarde")
    kept = CityFactory(name="Brive-la-Gaillarde", level=City.Level.DISTRICT, parent=ghost)
    other = CityFactory(name="Quartier", level=City.Level.DISTRICT, parent=ghost)
    before = snapshot()
    assert merge_cities(curator_login, kept, ghost).status_code == 302
    kept.refresh_from_db()
    other.refresh_from_db()
    assert kept.parent_id is None and other.parent_id == kept.pk
    curator_login.post(revert_url(MergeLog.objects.get()))
    assert same_rows(snapshot(), before)


# -- taking fields from the removed record -------------------------------------------------------


def test_the_record_kept_takes_the_fields_ticked_from_the_removed_one_and_revert_undoes_it(
    curator_login: Client,
) -> None:
    import datetime

    florence, isfahan = CityFactory(name="Florence"), CityFactory(name="Isfahan")
    kept = PartnershipFactory(
        city_a=florence,
        city_b=isfahan,
        established=datetime.date(1990, 1, 1),
        established_precision="year",
        summary="Kept summary",
    )
    twice = PartnershipFactory(
        city_a=florence,
        city_b=isfahan,
        kind=PartnershipKind.FRIENDSHIP,
        slug="twice",
        established=datetime.date(1998, 3, 1),
        established_precision="month",
        established_as_written="Esfand 1376",
        summary="The better summary",
    )
    before = snapshot()
    ids = {"ids": f"{kept.pk},{twice.pk}", "kept": kept.pk}
    preview = curator_login.get(PARTNERSHIP_MERGE, ids).content.decode()
    # Dates at their precision, never the fake first day; a box beside each differing value.
    assert "March 1998 (Esfand 1376)" in preview and "1 March 1998" not in preview
    assert 'name="take" value="established"' in preview
    assert 'name="take" value="summary"' in preview
    assert 'name="take" value="slug"' not in preview  # an address is not taken
    response = curator_login.post(
        PARTNERSHIP_MERGE, {**ids, "merge": "1", "take": ["established", "summary"]}
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.established, kept.established_precision, kept.established_as_written) == (
        datetime.date(1998, 3, 1),
        "month",
        "Esfand 1376",
    )
    assert kept.summary == "The better summary"
    assert kept.kind == PartnershipKind.SISTER_CITY  # not ticked: its own value stays
    curator_login.post(revert_url(MergeLog.objects.get()))
    assert same_rows(snapshot(), before)


def test_a_city_taking_the_removed_name_keeps_its_own_as_another_name(
    curator_login: Client,
) -> None:
    kept = CityFactory(name="Brivela Gaillarde", population=None)
    removed = CityFactory(name="Brive-la-Gaillarde", population=46630)
    before = snapshot()
    response = curator_login.post(
        CITY_MERGE,
        {
            "ids": f"{kept.pk},{removed.pk}",
            "kept": kept.pk,
            "merge": "1",
            "take": ["name", "population"],
        },
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.name, kept.population) == ("Brive-la-Gaillarde", 46630)
    assert list(kept.names.filter(language="").values_list("name", flat=True)) == [
        "Brivela Gaillarde"
    ]
    curator_login.post(revert_url(MergeLog.objects.get()))
    assert same_rows(snapshot(), before)


@pytest.mark.parametrize("field", ["slug", "id", "publication_state", "nothing", "wikidata_id"])
def test_a_forged_field_to_take_is_a_400_and_merges_nothing(
    curator_login: Client, field: str
) -> None:
    kept, removed = CityFactory(name="Brive"), CityFactory(name="Brivela")
    response = curator_login.post(
        CITY_MERGE,
        {"ids": f"{kept.pk},{removed.pk}", "kept": kept.pk, "merge": "1", "take": field},
    )
    assert response.status_code == 400
    assert "cannot be taken" in response.content.decode()
    assert City.objects.filter(pk=removed.pk).exists()


def test_a_city_cannot_take_its_own_district_as_its_parent(curator_login: Client) -> None:
    kept = CityFactory(name="Brive", level="district")
    removed = CityFactory(name="Brivela", level="district", parent=kept)
    response = curator_login.post(
        CITY_MERGE,
        {"ids": f"{kept.pk},{removed.pk}", "kept": kept.pk, "merge": "1", "take": "parent"},
    )
    assert response.status_code == 400
    assert "its own district" in response.content.decode()
    assert City.objects.filter(pk=removed.pk).exists()
    kept.refresh_from_db()
    assert kept.parent_id is None
