"""The admin import of a file of neither profile: its columns chosen from its header.

Four steps on the import screen's address: the upload (its header read, the delimiter found),
the mapping (a select of the file's columns for each field the importer reads, guessed from
the header's names), a preview of the first rows (a dry run: nothing is saved) and the import,
with its report row by row and as a CSV file.

Between the steps the file waits in the storage under a random name; the form carries only a
signed token naming it and its uploader, so that a forged or altered token, another user's,
or one naming a path is refused (400), never read.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import secrets
import unicodedata
from typing import Any

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.forms.boundfield import BoundField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editors.access import is_curator

from .importing import (
    MAPPABLE,
    REQUIRED,
    ImportReport,
    Profile,
    Row,
    RowRejected,
    import_partnerships,
    mapped_profile,
)

TEMPLATE = "admin/agreements/partnership/import_mapped.html"
SALT = "agreements.admin_mapping.upload"
REPORT_SALT = "agreements.admin_mapping.report"
TOKEN_AGE = 6 * 3600  # seconds an upload waits for its import
PREVIEW_ROWS = 20
REPORT_ROWS = 500  # shown on the page; the CSV report has them all
DELIMITERS = (",", ";", "\t")

# What each field is, for the person choosing its column.
LABELS: dict[str, Any] = {
    "city_a": _("City A: name"),
    "country_a": _("City A: country"),
    "latitude_a": _("City A: latitude"),
    "longitude_a": _("City A: longitude"),
    "geonames_a": _("City A: GeoNames id"),
    "wikidata_a": _("City A: Wikidata id"),
    "city_b": _("City B: name"),
    "country_b": _("City B: country"),
    "latitude_b": _("City B: latitude"),
    "longitude_b": _("City B: longitude"),
    "geonames_b": _("City B: GeoNames id"),
    "wikidata_b": _("City B: Wikidata id"),
    "established": _("Established"),
    "ended": _("Ended"),
    "kind": _("Kind"),
    "status": _("Status"),
}
HELP: dict[str, Any] = {
    "city_a": _("The name as the file writes it; a district in brackets stays a district."),
    "city_b": _("The name as the file writes it; a district in brackets stays a district."),
    "longitude_a": _("Decimal degrees."),
    "longitude_b": _("Decimal degrees."),
    "country_a": _(
        "A country name in English or another language (Germany, Deutschland) or its ISO "
        "code (DE, DEU)."
    ),
    "country_b": _(
        "A country name in English or another language (Germany, Deutschland) or its ISO "
        "code (DE, DEU)."
    ),
    "latitude_a": _("Decimal degrees. Coordinates never decide between namesakes alone."),
    "latitude_b": _("Decimal degrees. Coordinates never decide between namesakes alone."),
    "geonames_a": _("A number, such as 3060972."),
    "geonames_b": _("A number, such as 3060972."),
    "wikidata_a": _("An id such as Q1017, or its address."),
    "wikidata_b": _("An id such as Q1017, or its address."),
    "established": _("A year (1998), a month (1998-05) or a day (1998-05-01)."),
    "ended": _("A year (1998), a month (1998-05) or a day (1998-05-01)."),
    "kind": _("Sister city, friendship, cooperation or institutional; empty is a sister city."),
    "status": _("Proposed, active, dormant, suspended or ended; empty is not stated."),
}
GROUPS: list[tuple[Any, str]] = [
    (_("City A"), "_a"),
    (_("City B"), "_b"),
]
# Header names that obviously hold a field, compared without case, accents or punctuation
# (English, German, Italian, French, and the importer's own names).
GUESSES: dict[str, str] = {
    "city_a": (
        "city citya city1 town municipality stadt gemeinde kommune citta comune ville "
        "name namea itemalabel"
    ),
    "country_a": "country countrya country1 land staat paese nazione pays itemacountry countrycode",
    "city_b": (
        "partner partnercity partnertown cityb city2 partnerstadt partnergemeinde twin "
        "twincity twintown cittagemellata villepartenaire nameb itemblabel"
    ),
    "country_b": (
        "partnercountry countryb country2 partnerland partnerstaat paesepartner "
        "payspartenaire itembcountry"
    ),
    "latitude_a": "latitude lat latitudea breite",
    "longitude_a": "longitude lon lng longitudea lange",
    "latitude_b": "partnerlatitude latitudeb partnerlat",
    "longitude_b": "partnerlongitude longitudeb partnerlon partnerlng",
    "geonames_a": "geonames geonamesid geonamesa itemageonamesid",
    "geonames_b": "partnergeonames partnergeonamesid geonamesb itembgeonamesid",
    "wikidata_a": "wikidata wikidataid qid wikidataa itema",
    "wikidata_b": "partnerwikidata partnerqid wikidatab itemb",
    "established": (
        "established year since start date founded jahr seit datum anno dal annee depuis"
    ),
    "ended": "ended end until bis ende fine fin",
    "kind": "kind type form art tipo",
    "status": "status state stato statut",
}


def fold(name: str) -> str:
    """ "Città gemellata" → "cittagemellata": header names compared as a person reads them."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in plain if not unicodedata.combining(c)))


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """The column each field obviously is, by its header name; a column guessed once."""
    folded = {fold(column): column for column in reversed(columns)}
    guessed: dict[str, str] = {}
    for field_name in MAPPABLE:
        for name in (fold(field_name), *GUESSES.get(field_name, "").split()):
            column = folded.get(name)
            if column is not None and column not in guessed.values():
                guessed[field_name] = column
                break
    return guessed


# -- Step 1: the upload, its header ---------------------------------------------------------------


class Upload:
    """A file as the importer reads it (comma-separated), and its header."""

    def __init__(self, text: str) -> None:
        text = text.lstrip("\ufeff")
        first = text.split("\n", 1)[0].rstrip("\r")
        stated = re.fullmatch(r"sep=(.)", first)  # Excel's line naming the delimiter
        if stated:
            text = text.split("\n", 1)[1] if "\n" in text else ""
            first = text.split("\n", 1)[0].rstrip("\r")
        if not text.strip():
            raise forms.ValidationError(_("The file is empty."), code="empty")
        delimiter = stated.group(1) if stated else max(DELIMITERS, key=first.count)
        try:
            records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as error:
            raise forms.ValidationError(
                _("The file cannot be read as CSV: %(error)s"),
                code="csv",
                params={"error": error},
            ) from None
        header = [name.strip() for name in records[0]] if records else []
        named = [name for name in header if name]
        if first.count(delimiter) == 0 or len(named) < 2:
            raise forms.ValidationError(
                _(
                    "The file has no header row: its first line must name the columns, "
                    "separated by commas, semicolons or tabs."
                ),
                code="no_header",
            )
        twice = sorted({name for name in named if named.count(name) > 1})
        if twice:
            raise forms.ValidationError(
                _("The header names a column twice: %(columns)s."),
                code="duplicate_column",
                params={"columns": ", ".join(twice)},
            )
        rows = [record for record in records[1:] if record]  # as the importer counts them
        if not any(cell.strip() for record in rows for cell in record):
            raise forms.ValidationError(
                _("The file has a header row but no rows of partnerships."), code="no_rows"
            )
        self.columns = named
        self.rows = len(rows)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        self.text = buffer.getvalue()

    @staticmethod
    def head(text: str, rows: int) -> str:
        """The header and the first ``rows`` rows of a stored (comma-separated) file."""
        records = csv.reader(io.StringIO(text))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for number_, record in enumerate(records):
            if number_ > rows:
                break
            writer.writerow(record)
        return buffer.getvalue()


def stored_path(user_pk: int | None, key: str) -> str:
    return f"imports/{user_pk}-mapped-{key}.csv"


def forget_expired(user_pk: int | None) -> None:
    """Delete this user's uploads and reports whose token has expired: an abandoned mapping
    leaves no file behind for longer than its token lives."""
    cutoff = timezone.now() - datetime.timedelta(seconds=TOKEN_AGE)
    try:
        _folders, files = default_storage.listdir("imports")
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        if not name.startswith((f"{user_pk}-mapped-", f"{user_pk}-report-")):
            continue
        path = f"imports/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def uploaded(
    context: dict[str, Any], request: HttpRequest, form: forms.Form, name: str
) -> HttpResponse:
    """Step 1 done: the file is read and kept; step 2, the mapping form, guessed."""
    try:
        upload = Upload(form.cleaned_data["file"])
    except forms.ValidationError as error:
        form.add_error("file", error)
        context["form"] = form
        return TemplateResponse(
            request, "admin/agreements/partnership/import.html", context, status=400
        )
    forget_expired(request.user.pk)
    key = secrets.token_hex(16)
    default_storage.save(stored_path(request.user.pk, key), ContentFile(upload.text.encode()))
    token = signing.dumps({"user": request.user.pk, "key": key, "name": name}, salt=SALT)
    initial = {f"map_{field}": column for field, column in guess_mapping(upload.columns).items()}
    initial["publish"] = form.cleaned_data.get("publish", False)
    mapping_form = MappingForm(
        initial=initial, columns=upload.columns, may_publish=is_curator(request.user)
    )
    return render(context, request, mapping_form, token, name, rows=upload.rows)


# -- Step 2: the mapping -------------------------------------------------------------------------


class MappingForm(forms.Form):
    required_css_class = "required"

    source_title = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_(
            "The title of the file's source, in its language: every imported partnership cites it."
        ),
    )
    publisher = forms.CharField(
        label=_("Publisher"), max_length=300, required=False, help_text=_("Who published it.")
    )
    url = forms.URLField(
        label=_("Address"),
        required=False,
        assume_scheme="https",
        help_text=_("Where it is published."),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported partnerships"),
        required=False,
        help_text=_("Leave unticked to import them as drafts for review."),
    )

    def __init__(self, *args: Any, columns: list[str], may_publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_publish:
            del self.fields["publish"]
        choices = [("", gettext("— not in the file —")), *((c, c) for c in columns)]
        for field_name, described in MAPPABLE.items():
            self.fields[f"map_{field_name}"] = forms.ChoiceField(
                label=LABELS.get(field_name, field_name),
                choices=choices,
                required=field_name in REQUIRED,
                help_text=HELP.get(field_name, described),
                error_messages={"required": _("Choose the column that holds this.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("map_city_a") and data.get("map_city_a") == data.get("map_city_b"):
            self.add_error(
                "map_city_b", _("City A and city B cannot be read from the same column.")
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"map_{name}"]
            for name in MAPPABLE
            if self.cleaned_data.get(f"map_{name}")
        }

    def groups(self) -> list[tuple[Any, list[BoundField]]]:
        """The selects in fieldsets: each city, then the partnership."""
        mapped = [name for name in self.fields if name.startswith("map_")]
        groups: list[tuple[Any, list[BoundField]]] = []
        for legend, suffix in GROUPS:
            groups.append((legend, [self[name] for name in mapped if name.endswith(suffix)]))
        rest = [self[name] for name in mapped if not name.endswith(("_a", "_b"))]
        groups.append((_("The partnership"), rest))
        return groups

    def source_fields(self) -> list[BoundField]:
        return [self[name] for name in ("source_title", "publisher", "url")]


def render(
    context: dict[str, Any],
    request: HttpRequest,
    form: MappingForm,
    token: str,
    name: str,
    status: int = 200,
    **extra: Any,
) -> TemplateResponse:
    context.update(
        mapping_form=form, token=token, name=name, title=gettext("Import partnerships"), **extra
    )
    return TemplateResponse(request, TEMPLATE, context, status=status)


class Refused(Exception):
    """A token that is not one this user's upload was given, or that has expired."""


def stored_upload(request: HttpRequest) -> tuple[str, str, str]:
    """(the stored file's text, its storage path, the upload's name) from the signed token."""
    try:
        signed = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=TOKEN_AGE)
    except signing.SignatureExpired:
        raise Refused(gettext("This upload has expired: upload the file again.")) from None
    except signing.BadSignature:
        raise Refused(gettext("This import form was altered: upload the file again.")) from None
    key = str(signed.get("key", ""))
    if signed.get("user") != request.user.pk or not re.fullmatch(r"[0-9a-f]{32}", key):
        raise Refused(gettext("This import form was altered: upload the file again."))
    path = stored_path(request.user.pk, key)
    if not default_storage.exists(path):
        raise Refused(
            gettext("This import has expired or was already done: upload the file again.")
        )
    with default_storage.open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    return text, path, str(signed.get("name", "upload.csv"))


def every_row_reported(profile: Profile) -> Profile:
    """``profile`` rejecting a row whose value cannot be (1998-13, 1998-02-30: ``ValueError``
    from the date) instead of failing the whole import: every row accounted for."""
    read = profile.reader

    def reader(raw: dict[str, str], number_: int) -> Row:
        try:
            return read(raw, number_)
        except (ValueError, OverflowError) as error:
            raise RowRejected(f"unreadable value: {error}") from None

    return dataclasses.replace(profile, reader=reader)


def mapping_step(context: dict[str, Any], request: HttpRequest) -> HttpResponse:
    """Steps 2 to 4: the mapping sent back, previewed (``step=preview``) or imported."""
    try:
        text, path, name = stored_upload(request)
    except Refused as refusal:
        context.update(refusal=str(refusal), title=gettext("Import partnerships"))
        return TemplateResponse(request, TEMPLATE, context, status=400)
    columns = next(csv.reader(io.StringIO(text)))
    form = MappingForm(
        request.POST, columns=[c for c in columns if c], may_publish=is_curator(request.user)
    )
    token = request.POST["token"]
    rows = sum(1 for _ in csv.reader(io.StringIO(text))) - 1
    if not form.is_valid():
        return render(context, request, form, token, name, status=400, rows=rows)
    profile = every_row_reported(
        mapped_profile(
            form.mapping(),
            form.cleaned_data["source_title"],
            form.cleaned_data["publisher"],
            form.cleaned_data["url"],
        )
    )
    if request.POST.get("step") != "import":
        head = Upload.head(text, PREVIEW_ROWS)
        report = import_partnerships(head, profile, name, dry_run=True)
        preview = preview_rows(report, head, form.mapping())
        return render(context, request, form, token, name, rows=rows, preview=preview)
    # Only a curator publishes; a form that says otherwise is not believed.
    publish = bool(form.cleaned_data.get("publish")) and is_curator(request.user)
    report = import_partnerships(text, profile, name, publish=publish)
    default_storage.delete(path)
    report_key = secrets.token_hex(16)
    default_storage.save(
        report_path(request.user.pk, report_key), ContentFile(report.csv().encode())
    )
    context.update(
        report=report,
        counts=report.counts,
        outcomes=report.outcomes[:REPORT_ROWS],
        report_token=signing.dumps(
            {"user": request.user.pk, "key": report_key, "name": name}, salt=REPORT_SALT
        ),
        published=publish,
        name=name,
        title=gettext("Import partnerships"),
    )
    return TemplateResponse(request, TEMPLATE, context)


# -- Step 3: the preview -------------------------------------------------------------------------

HOW: dict[str, Any] = {
    "id": _("known place, by its Wikidata id"),
    "geonames": _("known place, by its GeoNames id"),
    "name": _("known place, by name and country"),
    "proximity": _("known place, by name and coordinates"),
    "created": _("new place"),
}


def preview_rows(report: ImportReport, head: str, mapping: dict[str, str]) -> list[dict[str, Any]]:
    """Each previewed row: each side as the file writes it and how it would match."""
    raw = {number_: record for number_, record in enumerate(csv.DictReader(io.StringIO(head)), 2)}
    rows = []
    for outcome in report.outcomes:
        record = raw.get(outcome.row, {})
        sides = []
        for side in ("a", "b"):
            written = ", ".join(
                value
                for value in (
                    (record.get(mapping.get(f"city_{side}", "")) or "").strip(),
                    (record.get(mapping.get(f"country_{side}", "")) or "").strip(),
                )
                if value
            )
            how = getattr(outcome, f"city_{side}_match")
            sides.append(
                {
                    "written": written,
                    "city": getattr(outcome, f"city_{side}"),
                    "how": HOW.get(how, how),
                }
            )
        rows.append({"outcome": outcome, "sides": sides})
    return rows


# -- Step 4: the report as a file ----------------------------------------------------------------


def report_path(user_pk: int | None, key: str) -> str:
    return f"imports/{user_pk}-report-{key}.csv"


def download_report(request: HttpRequest) -> HttpResponse:
    """The import's report, row by row, for its importer only (a GET: it changes nothing)."""
    try:
        signed = signing.loads(request.GET.get("report", ""), salt=REPORT_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:
        return HttpResponse(gettext("This report link is not valid."), status=400)
    key = str(signed.get("key", ""))
    if signed.get("user") != request.user.pk or not re.fullmatch(r"[0-9a-f]{32}", key):
        return HttpResponse(gettext("This report link is not valid."), status=400)
    path = report_path(request.user.pk, key)
    if not default_storage.exists(path):
        return HttpResponse(gettext("This report is no longer kept."), status=404)
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", str(signed.get("name", "import")))[:80]
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{stem}"'
    return response
