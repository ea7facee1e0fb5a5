"""E-mail about suggestions, through Django's mail backend (the console unless configured)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail, send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Suggestion


def one_line(text: str) -> str:
    """A subject as one line: the sender's typed words (a city's name) may hold line breaks,
    which would make the message's header invalid (or, elsewhere, a header of their own)."""
    return " ".join(text.split())[:300]


def editors_told(suggestion: Suggestion, admin_url: str) -> int:
    """Tell the editors of the cities concerned that a suggestion waits for them. Each gets
    their own message: editors of one city never see each other's addresses."""
    addresses = (
        get_user_model()
        .objects.filter(
            is_active=True,
            city_assignments__city__in=suggestion.cities.all(),
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = one_line(
            _("Twinning: a suggestion from the public about %(record)s") % {"record": suggestion}
        )
        body = _(
            "Someone suggested a change about %(record)s. Review it, then accept it as a "
            "draft or decline it:\n%(url)s\n"
        ) % {"record": suggestion, "url": admin_url}
    messages = [(subject, body, None, [address]) for address in addresses]
    return send_mass_mail(messages, fail_silently=True) if messages else 0


def sender_told(suggestion: Suggestion) -> int:
    """Tell the sender, if they gave an address, what became of their suggestion."""
    if not suggestion.email:
        return 0
    with translation.override(suggestion.language or settings.LANGUAGE_CODE):
        subject = one_line(_("Twinning: your suggestion about %(record)s") % {"record": suggestion})
        if suggestion.status == Suggestion.Status.ACCEPTED:
            body = _(
                "Thank you. Your suggestion about %(record)s was accepted as a draft: an "
                "editor will check it before anything changes on the site."
            ) % {"record": suggestion}
        else:
            body = _(
                "Thank you. Your suggestion about %(record)s was not accepted, for this "
                "reason:\n\n%(reason)s"
            ) % {"record": suggestion, "reason": suggestion.reason}
    return send_mail(subject, body, None, [suggestion.email], fail_silently=True)


def admin_change_url(suggestion: Suggestion) -> str:
    return reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
