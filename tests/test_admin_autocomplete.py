"""Every autocomplete select of the admin drops a forged value instead of a 500 (issue 14).

The guard is a widget subclass given by ``GuardedAutocompleteAdmin``: an admin, or an inline,
that declares ``autocomplete_fields`` without the mixin would draw Django's own select again,
and "²" or a 30-digit number posted to it would be a ValueError or an OverflowError. These
tests walk every registered admin and its inlines, so a new one without the mixin fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.test import Client, RequestFactory

from editors.autocomplete import GuardedAutocompleteSelect, GuardedAutocompleteSelectMultiple

from .admin_forms import submitted
from .conftest import admin_url

GUARDED = (GuardedAutocompleteSelect, GuardedAutocompleteSelectMultiple)
FORGED = ["²", "9" * 30]


def admins_with_autocomplete() -> list[tuple[str, Any]]:
    """Every registered admin and every inline of one, with what they are called in reports."""
    found = []
    for model, model_admin in admin.site._registry.items():
        found.append((f"{model._meta.label} admin", model_admin))
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            found.append((f"{model._meta.label} inline {inline_class.__name__}", inline))
    return [(name, each) for name, each in found if each.autocomplete_fields]


def widget_of(model_admin: Any, field_name: str, request: Any) -> Any:
    db_field = model_admin.model._meta.get_field(field_name)
    form_field = model_admin.formfield_for_dbfield(db_field, request)
    widget = form_field.widget
    return widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget


def autocomplete_fields() -> list[tuple[str, Any, str]]:
    return [
        (name, model_admin, field)
        for name, model_admin in admins_with_autocomplete()
        for field in model_admin.autocomplete_fields
    ]


def request_of(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_walk_finds_the_admins_outside_the_shared_base() -> None:
    """Not vacuous: the plain admins (suggestions, the user page's cities) are walked too."""
    names = [name for name, _ in admins_with_autocomplete()]
    assert "suggestions.Suggestion admin" in names
    assert "auth.User inline CityAssignmentInline" in names
    assert len(autocomplete_fields()) >= 20


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["curator", "editor"])
def test_every_autocomplete_field_of_every_admin_draws_the_guarded_select(
    role: str, request: Any
) -> None:
    user = request.getfixturevalue(role)
    unguarded = [
        f"{name}: {field} draws {type(widget).__name__}"
        for name, model_admin, field in autocomplete_fields()
        if not isinstance(widget := widget_of(model_admin, field, request_of(user)), GUARDED)
    ]
    assert not unguarded, unguarded


@pytest.mark.django_db
@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_value_in_any_autocomplete_field_draws_the_select_empty(
    curator: Any, forged: str
) -> None:
    """What a change page does with a refused post: it draws the form again with the value."""
    for name, model_admin, field in autocomplete_fields():
        widget = widget_of(model_admin, field, request_of(curator))
        value = [forged] if isinstance(widget, GuardedAutocompleteSelectMultiple) else forged
        html = widget.render(field, value)
        assert "selected" not in html, (name, field)


@pytest.mark.django_db
@pytest.mark.parametrize("forged", FORGED)
def test_a_forged_city_on_a_users_page_is_the_forms_message(
    curator_login: Client, django_user_model: Any, forged: str
) -> None:
    """The user page's city assignments are an inline of Django's user admin, outside the
    project's shared admin base: guarded all the same."""
    from editors.models import CityAssignment

    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    address = admin_url(django_user_model, "change", staff.pk)
    form = submitted(curator_login.get(address))
    prefix = next(key[: -len("-TOTAL_FORMS")] for key in form if key.endswith("-TOTAL_FORMS"))
    response = curator_login.post(address, {**form, f"{prefix}-0-city": forged})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CityAssignment.objects.filter(user=staff).exists()
