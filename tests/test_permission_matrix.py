"""Every admin URL, for every role, with forged POSTs: what each may open, and that nothing
changes where they may not write.

The records belong to no city of the Florence editor's and are drafts where they can be, so
the editor may at most read the public reference data (cities, networks, themes, sources).
Each POST is what the curator's browser would send for the same page, which the attacker
copies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse

from agreements.models import Theme
from cities.models import Citation

from .admin_forms import submitted
from .factories import (
    AgreementFactory,
    CityFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    OrganizationFactory,
    PartnershipFactory,
    PersonFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = {"publication_state": "draft"}


def a_citation() -> Any:
    return Citation.objects.create(
        source=SourceFactory(), record=PartnershipFactory(**DRAFT), excerpt="a draft's passage"
    )


def a_user() -> Any:
    user = apps.get_model("auth", "User").objects.create_user("other-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="City editors"))
    return user


# One record of each model with an admin page of its own, outside the editor's cities.
RECORDS: dict[str, Callable[[], Any]] = {
    "auth.Group": lambda: Group.objects.create(name="Volunteers"),
    "auth.User": a_user,
    "cities.City": CityFactory,
    "cities.Network": NetworkFactory,
    "cities.NetworkMembership": lambda: MembershipFactory(**DRAFT),
    "cities.Source": SourceFactory,
    "cities.Citation": a_citation,
    "agreements.Theme": lambda: Theme.objects.create(name="Matrix theme", slug="matrix-theme"),
    "agreements.Organization": lambda: OrganizationFactory(**DRAFT),
    "agreements.Person": lambda: PersonFactory(**DRAFT),
    "agreements.Partnership": lambda: PartnershipFactory(**DRAFT),
    "agreements.Agreement": lambda: AgreementFactory(
        partnership=PartnershipFactory(**DRAFT), **DRAFT
    ),
    "agreements.Meeting": lambda: MeetingFactory(partnership=PartnershipFactory(**DRAFT), **DRAFT),
    "agreements.CulturalProject": lambda: ProjectFactory(
        partnership=PartnershipFactory(**DRAFT), **DRAFT
    ),
    # A correction from the public about no city of the editor's (issue 14).
    "suggestions.Suggestion": lambda: apps.get_model("suggestions", "Suggestion").objects.create(
        kind="correction", object_id=1, record_label="Another city's record", proposed="x"
    ),
    # Another city's draft call for partners (issue 14, "City staff").
    "seeking.PartnerSearch": lambda: apps.get_model("seeking", "PartnerSearch").objects.create(
        city=CityFactory(),
        title="Another city's call",
        offers="x",
        looking_for="y",
        contact_office="International Relations Office",
        contact_email="international@example.org",
        ends="2099-12-31",
        **DRAFT,
    ),
}
# Logs of the login lockout: listed and read only, no record of their own here.
LOG_ONLY = ["axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"]
# Admins of their own shape (no model form, curators by role rather than by permission),
# tried by every role in tests/test_attacks_dec2b.py.
OWN_PAGES = ["agreements.UnmatchedPlace"]
# What a city editor may read of another city's: public reference data.
EDITOR_READS = {"cities.City", "cities.Network", "agreements.Theme"}

WATCHED_APPS = ("auth", "taggit", "cities", "agreements", "editors", "seeking")


def test_every_registered_admin_is_in_the_matrix() -> None:
    registered = {
        model._meta.label for model in apps.get_models() if admin.site.is_registered(model)
    }
    assert registered == set(RECORDS) | set(LOG_ONLY) | set(OWN_PAGES)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the admin can write (history tables included); a login's
    own time stamp aside."""
    return {
        model._meta.label: list(
            model._default_manager.order_by("pk").values_list(
                *[f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            )
        )
        for app_label in WATCHED_APPS
        for model in apps.get_app_config(app_label).get_models()
    }


def url(label: str, view: str, *args: Any) -> str:
    app_label, model_name = label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def object_urls(label: str, record: Any) -> dict[str, str]:
    urls = {
        "change": url(label, "change", record.pk),
        "delete": url(label, "delete", record.pk),
        "history": url(label, "history", record.pk),
    }
    history = getattr(type(record), "history", None)
    if history is not None:
        version = history.filter(id=record.pk).latest("history_id")
        urls["history form"] = url(label, "simple_history", record.pk, version.history_id)
    if label == "auth.User":
        urls["password"] = url(label, "password_change", record.pk)
    return urls


def client_for(role: str, django_user_model: Any, editor: Any, curator: Any) -> Client:
    client = Client()
    if role == "editor":
        client.force_login(editor)
    elif role == "curator":
        client.force_login(curator)
    return client


def refused(response: Any) -> bool:
    """403, 404, or the admin's "does not exist" redirect to its index."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response.url == reverse("admin:index")
    )


def to_login(response: Any) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("label", sorted(RECORDS))
def test_anonymous_visitors_reach_only_the_login_page(label: str, client: Client) -> None:
    record = RECORDS[label]()
    urls = {"changelist": url(label, "changelist"), "add": url(label, "add")}
    urls |= object_urls(label, record)
    before = snapshot()
    for view, address in urls.items():
        assert to_login(client.get(address)), (label, view)
        assert to_login(client.post(address, {"post": "yes", "name": "forged"})), (label, view)
    assert snapshot() == before


@pytest.mark.parametrize("label", sorted(RECORDS))
def test_an_editor_reads_at_most_public_reference_data_and_changes_nothing(
    label: str, editor: Any, curator: Any, django_user_model: Any
) -> None:
    record = RECORDS[label]()
    curator_client = client_for("curator", django_user_model, editor, curator)
    editor_client = client_for("editor", django_user_model, editor, curator)
    urls = object_urls(label, record)
    forms: dict[str, dict[str, Any]] = {}
    for view in ("change", "history form"):
        if view in urls:
            page = curator_client.get(urls[view])
            forms[view] = submitted(page) if page.status_code == 200 else {}
    before = snapshot()
    for view, address in urls.items():
        page = editor_client.get(address)
        if label in EDITOR_READS and view in ("change", "history", "history form"):
            assert page.status_code == 200, (label, view)
            assert 'name="_save"' not in page.content.decode(), (label, view)
        else:
            assert refused(page), (label, view, page.status_code)
        forged = {**forms.get(view, {}), "post": "yes"}
        answer = editor_client.post(address, forged)
        if view == "history" and label in EDITOR_READS:
            assert answer.status_code == 200  # a read-only page; the snapshot shows no change
        else:
            assert refused(answer), (label, view)
    changelist = editor_client.get(url(label, "changelist"))
    if changelist.status_code == 200:
        assert str(record) not in changelist.content.decode() or label in EDITOR_READS | {
            "cities.Source"
        }
    else:
        assert changelist.status_code == 403, label
    bulk = editor_client.post(
        url(label, "changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403), label
    for action in ("publish", "withdraw"):
        editor_client.post(
            url(label, "changelist"), {"action": action, "_selected_action": [record.pk]}
        )
    assert snapshot() == before, label


NEEDS = {
    "changelist": ("view", "change"),
    "change": ("view", "change"),
    "history": ("view", "change"),
    "history form": ("view", "change"),
    "delete": ("delete",),
    "password": ("change",),
}


@pytest.mark.parametrize("label", sorted(RECORDS))
def test_a_curator_opens_what_the_curators_permissions_name_and_nothing_else(
    label: str, editor: Any, curator: Any, django_user_model: Any
) -> None:
    """Curators hold every permission on the directory's records and only a few on users and
    groups (no deletes, no single permissions, no tags): each page follows them."""
    record = RECORDS[label]()
    client = client_for("curator", django_user_model, editor, curator)
    app_label, model_name = label.lower().split(".")
    if app_label in ("cities", "agreements"):
        assert all(
            curator.has_perm(f"{app_label}.{action}_{model_name}")
            for action in ("view", "add", "change", "delete")
        )
    urls = {"changelist": url(label, "changelist"), **object_urls(label, record)}
    before = snapshot()
    for view, address in urls.items():
        allowed = any(curator.has_perm(f"{app_label}.{a}_{model_name}") for a in NEEDS[view])
        answer = client.get(address)
        assert (answer.status_code == 200) == allowed, (label, view, answer.status_code)
        if not allowed:
            assert refused(client.post(address, {"post": "yes"})), (label, view)
    if not curator.has_perm(f"{app_label}.delete_{model_name}"):
        assert snapshot() == before


@pytest.mark.parametrize("label", LOG_ONLY)
def test_the_login_logs_are_a_superusers(label: str, editor: Any, curator: Any) -> None:
    for user in (editor, curator):
        client = Client()
        client.force_login(user)
        assert client.get(url(label, "changelist")).status_code == 403
    assert to_login(Client().get(url(label, "changelist")))


def autocomplete_fields() -> list[tuple[str, str]]:
    found = []
    registered = [model for model in apps.get_models() if admin.site.is_registered(model)]
    for model in registered:
        model_admin = admin.site.get_model_admin(model)
        for field in model_admin.autocomplete_fields:
            found.append((model._meta.label, field))
        for inline in model_admin.inlines:
            for field in getattr(inline, "autocomplete_fields", []):
                found.append((inline.model._meta.label, field))
    return sorted(set(found))


@pytest.mark.parametrize(("label", "field"), autocomplete_fields())
def test_autocomplete_offers_an_editor_no_other_citys_draft(
    label: str, field: str, editor: Any, florence: Any
) -> None:
    model = apps.get_model(label)
    target = model._meta.get_field(field).related_model
    drafts = {
        "agreements.Partnership": lambda: PartnershipFactory(**DRAFT),
        "agreements.Person": lambda: PersonFactory(**DRAFT),
        "agreements.Organization": lambda: OrganizationFactory(**DRAFT),
        "cities.Source": lambda: a_citation().source,
    }
    make = drafts.get(target._meta.label)
    hidden = make() if make else None
    client = Client()
    assert to_login(client.get(reverse("admin:autocomplete")))
    client.force_login(editor)
    app_label, model_name = label.lower().split(".")
    try:
        response = client.get(
            reverse("admin:autocomplete"),
            {"term": "", "app_label": app_label, "model_name": model_name, "field_name": field},
        )
    except NoReverseMatch:  # pragma: no cover - the admin's own URL
        raise
    if response.status_code == 403:
        return  # the editor cannot use this form at all
    assert response.status_code == 200, (label, field)
    ids = {row["id"] for row in response.json()["results"]}
    if hidden is not None:
        assert str(hidden.pk) not in ids, (label, field)


@pytest.mark.parametrize("name", ["admin:review-queue", "admin:deleted-records"])
def test_the_curators_desks_are_closed_to_editors(
    name: str, editor: Any, curator: Any, client: Client
) -> None:
    draft = PartnershipFactory(publication_state="in_review")
    before = snapshot()
    assert to_login(client.get(reverse(name)))
    client.force_login(editor)
    assert client.get(reverse(name)).status_code == 403
    forged = {"model": "agreements.Partnership", "pk": draft.pk, "decision": "publish"}
    assert client.post(reverse(name), forged).status_code == 403
    assert snapshot() == before
    client.force_login(curator)
    assert client.get(reverse(name)).status_code == 200


def test_the_import_is_closed_to_editors_and_visitors(
    editor: Any, curator: Any, client: Client
) -> None:
    address = reverse("admin:agreements_partnership_import")
    assert to_login(client.get(address))
    client.force_login(editor)
    assert client.get(address).status_code == 403
    client.force_login(curator)
    assert client.get(address).status_code == 200
