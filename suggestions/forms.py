"""The public's forms, guarded against spam without third-party services.

A bot is told apart by what people do not do: fill a field that is hidden from them (the
honeypot), send the form within seconds of receiving it, send a form issued hours ago (a
replayed copy), or paste many links. The time the form was issued travels signed in the form
itself, so no session or cookie is needed (CSRF excepted).
"""

from __future__ import annotations

import re
import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from agreements.models import PartnershipKind

from .records import CorrectableKind, field_choices

# A person reads the form and writes at least a line; a replayed form is older than a visit.
MIN_SECONDS = 3
MAX_AGE = 2 * 3600
MAX_LINKS = 2
SALT = "suggestions.form-issued"
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def issued_token(at: float | None = None) -> str:
    return signing.dumps(int(time.time() if at is None else at), salt=SALT)


class Refused(Exception):
    """The form looks sent by a machine: refused as a whole, with a message for a person."""


class GuardedForm(forms.Form):
    issued = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people by the stylesheet, labelled for screen readers.
    contact_website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        help_text=_("Only to tell you what became of your suggestion. It is never published."),
    )

    # Free-text fields where links count towards the limit (the source is meant to be one).
    text_fields: tuple[str, ...] = ("proposed", "name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["issued"] = issued_token()

    def check_not_a_machine(self) -> None:
        """Raise ``Refused`` when the form was sent by a bot rather than a person."""
        if self.data.get("contact_website"):
            raise Refused(
                _("This form could not be accepted. Please leave the hidden field empty.")
            )
        try:
            issued = int(signing.loads(self.data.get("issued", ""), salt=SALT))
        except (signing.BadSignature, ValueError, TypeError):
            raise Refused(
                _("This form is damaged or out of date: please reload the page and send it again.")
            ) from None
        age = time.time() - issued
        if age < MIN_SECONDS:
            raise Refused(
                _("This form was sent too quickly. Please wait a few seconds and send it again.")
            )
        if age > MAX_AGE:
            raise Refused(_("This form is out of date: please reload the page and send it again."))
        text = " ".join(str(self.data.get(field, "")) for field in self.text_fields)
        if len(LINK.findall(text)) > MAX_LINKS:
            raise Refused(
                _("Please include at most %(count)d links; give your source in its own field.")
                % {"count": MAX_LINKS}
            )


class CorrectionForm(GuardedForm):
    field = forms.ChoiceField(label=_("What is wrong or missing"), required=False)
    proposed = forms.CharField(
        label=_("Your correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the record should say, as precisely as you can."),
    )
    source = forms.CharField(
        label=_("Your source"),
        max_length=1000,
        required=False,
        help_text=_("A web address or a citation (book, article, register) that shows it."),
    )

    field_order = ["field", "proposed", "source", "name", "email"]

    def __init__(self, kind: CorrectableKind, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice: Any = self.fields["field"]
        choice.choices = [
            ("", _("Something else (describe it below)")),
            *field_choices(kind),
        ]


class PartnershipForm(GuardedForm):
    city = forms.CharField(label=_("City"), max_length=200)
    partner = forms.CharField(label=_("Partner city"), max_length=200)
    partnership_kind = forms.ChoiceField(
        label=_("Kind of partnership"), choices=PartnershipKind.choices, required=False
    )
    established = forms.CharField(
        label=_("Established (year, or as written)"), max_length=100, required=False
    )
    proposed = forms.CharField(
        label=_("What you know about it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    source = forms.CharField(
        label=_("Your source"),
        max_length=1000,
        help_text=_(
            "Required: a web address or a citation (book, article, register) that shows it."
        ),
    )

    text_fields = ("proposed", "name", "city", "partner", "established")
    field_order = [
        "city",
        "partner",
        "partnership_kind",
        "established",
        "proposed",
        "source",
        "name",
        "email",
    ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        city, partner = cleaned.get("city", ""), cleaned.get("partner", "")
        if city and partner and city.strip().casefold() == partner.strip().casefold():
            self.add_error("partner", _("A city cannot partner itself."))
        return cleaned
