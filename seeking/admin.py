"""Partner searches in the admin: a city editor writes and submits their cities' calls; a
curator reviews and publishes them (``ScopedAdmin`` through ``PublishableAdmin``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agreements.admin import CuratedThemesAdmin
from cities.admin_tools import PUBLICATION_FIELDSET, PublishableAdmin

from .models import LANGUAGE_CHOICES, REGION_CHOICES, PartnerSearch


class PartnerSearchForm(forms.ModelForm):
    # An address typed without a scheme is https, as in every admin form (BaseAdmin).
    contact_url = PartnerSearch._meta.get_field("contact_url").formfield(assume_scheme="https")
    regions = forms.TypedMultipleChoiceField(
        label=_("world regions of interest"),
        choices=REGION_CHOICES,
        required=False,
        help_text=_("UN M49 regions; leave empty if any region is welcome."),
    )
    languages = forms.TypedMultipleChoiceField(
        label=_("working languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text=_("The languages the city office can work in."),
    )

    class Meta:
        model = PartnerSearch
        fields = [
            "city",
            "title",
            "slug",
            "starts",
            "ends",
            "offers",
            "looking_for",
            "themes",
            "countries",
            "regions",
            "languages",
            "contact_office",
            "contact_role",
            "contact_email",
            "contact_url",
            "publication_state",
        ]


@admin.register(PartnerSearch)
class PartnerSearchAdmin(CuratedThemesAdmin, PublishableAdmin):
    city_lookups = ("city",)
    form = PartnerSearchForm
    list_display = ["title", "city", "starts", "ends", "publication_state"]
    list_filter = ["publication_state", "ends"]
    list_select_related = ["city"]
    search_fields = ["title", "city__name", "contact_office"]
    autocomplete_fields = ["city"]
    date_hierarchy = "ends"
    fieldsets = [
        (None, {"fields": ["city", "title", "slug", "starts", "ends"]}),
        (_("The call"), {"fields": ["offers", "looking_for", "themes"]}),
        (_("Partners wanted from"), {"fields": ["countries", "regions", "languages"]}),
        (
            _("Contact at the municipality"),
            {
                "fields": ["contact_office", "contact_role", "contact_email", "contact_url"],
                "description": _(
                    "An official contact of the municipality, shown to the public: an "
                    "office and its public e-mail or web page, never a private person's data."
                ),
            },
        ),
        PUBLICATION_FIELDSET,
    ]
