"""Read-only representations of published records.

Partnerships, projects and cities are rows of ``api.rows``, the shape the downloads share: their
serializers here describe those rows for the OpenAPI schema and, given records, return the
rows (``RowSerializer``). Agreements, meetings and networks are serialized here.

Dates keep their precision: ``{"date": "1998-01-01", "precision": "year", "iso": "1998",
"as_written": "1377 SH"}`` — the ``iso`` form never claims a day the source does not give.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from agreements.models import (
    Agreement,
    ConfirmationMethod,
    CulturalProject,
    Meeting,
    Partnership,
    PartnershipStatus,
    Theme,
)
from cities.models import Citation, City, CityName, Network, NetworkMembership
from common.dates import PartialDate
from seeking.models import PartnerSearch
from seeking.views import mark_public_cities

from .rows import CityBriefs, CityRows, PartnershipRows, ProjectRows, Row, RowShape


class PartialDateField(serializers.Field):
    """A date at its precision, read from the model's ``<name>_when`` descriptor."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("source", f"{name}_when")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: PartialDate) -> dict[str, str]:
        return {
            "date": value.date.isoformat(),
            "precision": value.precision,
            "iso": value.iso,
            "as_written": value.as_written,
        }


PARTIAL_DATE_SCHEMA = inline_serializer(
    "PartialDate",
    {
        "date": serializers.DateField(help_text="First day of the period the source states."),
        "precision": serializers.ChoiceField(choices=["day", "month", "year", "circa"]),
        "iso": serializers.CharField(help_text="ISO 8601 at the precision: 1998, 2021-02."),
        "as_written": serializers.CharField(help_text='As the source writes it: "1377 SH".'),
    },
)
PartialDateField = extend_schema_field(PARTIAL_DATE_SCHEMA)(PartialDateField)  # type: ignore[misc]


class PermalinkField(serializers.Field):
    """The record's public page, absolute."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, record: Any) -> str:
        request = self.context.get("request")
        url = record.get_absolute_url()
        return request.build_absolute_uri(url) if request else str(url)


PermalinkField = extend_schema_field(OpenApiTypes.URI)(PermalinkField)  # type: ignore[misc]


class CityNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = CityName
        fields = ["name", "language", "kind", "is_preferred"]


class CityBriefSerializer(serializers.Serializer):
    """A linked city, as every row names it (``api.rows.CityBriefs``)."""

    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True, help_text="WGS 84 decimal degrees.")
    longitude = serializers.FloatField(allow_null=True, help_text="WGS 84 decimal degrees.")
    wikidata_id = serializers.CharField(allow_null=True)
    geonames_id = serializers.IntegerField(allow_null=True)

    def to_representation(self, city: City) -> Row:
        return CityBriefs(self.context.get("request")).brief(
            [
                city.slug,
                city.name,
                city.country.code if city.country else "",
                city.latitude,
                city.longitude,
                city.wikidata_id,
                city.geonames_id,
            ]
        )


class RowListSerializer(serializers.ListSerializer):
    """Records as rows: one ``.values()`` query for all of them, as a download reads them."""

    def to_representation(self, data: Any) -> list[Row]:
        records = list(data.all() if hasattr(data, "all") else data)
        child: Any = self.child
        rows = child.shape(self.context.get("request")).rows_of(
            child.shape.model._default_manager.all(), [record.pk for record in records]
        )
        return [child.add_detail(row, record) for row, record in zip(rows, records, strict=True)]


class RowSerializer(serializers.ModelSerializer):
    """The OpenAPI description of a row of ``shape``, field for field (a test holds the two
    together); a record serialized is its row, plus the ``detail_fields`` of a detail
    serializer computed from the record."""

    shape: ClassVar[type[RowShape]]
    detail_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        list_serializer_class = RowListSerializer

    def get_fields(self) -> dict[str, serializers.Field]:
        # Every key is in every row: read-only fields are documented as required.
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields

    def to_representation(self, record: Any) -> Row:
        (row,) = self.shape(self.context.get("request")).rows_of(
            self.shape.model._default_manager.all(), [record.pk]
        )
        return self.add_detail(row, record)

    def add_detail(self, row: Row, record: Any) -> Row:
        for name in self.detail_fields:
            field = self.fields[name]
            row[name] = field.to_representation(field.get_attribute(record))
        return row


class CitySerializer(RowSerializer):
    shape = CityRows

    url = serializers.URLField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True, help_text="WGS 84 decimal degrees.")
    longitude = serializers.FloatField(allow_null=True, help_text="WGS 84 decimal degrees.")
    region = serializers.CharField(help_text="UN M49 region slug; empty when unknown.")

    class Meta(RowSerializer.Meta):
        model = City
        fields = [
            *CityBriefSerializer._declared_fields,
            "region",
            "subdivision",
            "population",
        ]


class CityDetailSerializer(CitySerializer):
    detail_fields = ("names", "other_wikidata_ids")

    names = CityNameSerializer(many=True, read_only=True)
    other_wikidata_ids: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="wikidata_id",
        help_text="Other Wikidata items for the same place (a municipality and its town, "
        "Amsterdam Q727 and Q9899); ``wikidata_id`` is the one the directory keeps.",
    )

    class Meta(CitySerializer.Meta):
        fields = [*CitySerializer.Meta.fields, "names", "other_wikidata_ids"]


class CitationSerializer(serializers.ModelSerializer):
    # Named as the output key; DRF's Field also has a ``source`` attribute, hence the ignore.
    source = inline_serializer(  # type: ignore[assignment]
        "Source",
        {
            "title": serializers.CharField(),
            "title_en": serializers.CharField(),
            "publisher": serializers.CharField(),
            "url": serializers.URLField(allow_null=True, help_text="null when not online."),
            "language": serializers.CharField(),
            "published": PartialDateField("published", allow_null=True),
        },
    )

    class Meta:
        model = Citation
        fields = ["source", "excerpt", "excerpt_en", "locator"]

    def to_representation(self, citation: Citation) -> dict[str, Any]:
        source = citation.source
        return {
            "source": {
                "title": source.title,
                "title_en": source.title_en,
                "publisher": source.publisher,
                "url": source.url or None,
                "language": source.language,
                "published": PartialDateField("published").to_representation(source.published_when)
                if source.published_when
                else None,
            },
            "excerpt": citation.excerpt,
            "excerpt_en": citation.excerpt_en,
            "locator": citation.locator,
        }


THEME_SLUGS = extend_schema_field({"type": "array", "items": {"type": "string"}})


@THEME_SLUGS
class ThemeSlugsField(serializers.Field):
    """The slugs of a record's themes (``theme_list``, see ``prefetch_themes``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "theme_list")
        super().__init__(**kwargs)

    def to_representation(self, themes: Any) -> list[str]:
        return sorted(theme.slug for theme in themes)


class PartnershipSerializer(RowSerializer):
    shape = PartnershipRows

    url = serializers.URLField()
    api_url = serializers.URLField()
    city_a = CityBriefSerializer()
    city_b = CityBriefSerializer()
    established = PartialDateField("established", allow_null=True)
    ended = PartialDateField("ended", allow_null=True)
    themes = ThemeSlugsField()
    last_confirmed = serializers.DateField(
        allow_null=True, help_text="The day the record was last confirmed; null: never."
    )
    last_confirmed_how = serializers.ChoiceField(
        choices=ConfirmationMethod.choices,
        allow_null=True,
        help_text="How: by one of the two cities, from a source, or by a curator.",
    )

    class Meta(RowSerializer.Meta):
        model = Partnership
        fields = [
            "slug",
            "url",
            "api_url",
            "city_a",
            "city_b",
            "kind",
            "institutions",
            "status",
            "established",
            "ended",
            "summary",
            "themes",
            "updated_at",
            "last_confirmed",
            "last_confirmed_how",
        ]


STATUS_CHANGE = inline_serializer(
    "StatusChange",
    {
        "status": serializers.ChoiceField(choices=PartnershipStatus.choices),
        "date": PartialDateField("date", allow_null=True),
        "note": serializers.CharField(),
    },
    many=True,
)


class AgreementSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    partnership: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    signed = PartialDateField("signed", allow_null=True)
    signed_place: Any = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "url",
            "title",
            "partnership",
            "kind",
            "status",
            "signed",
            "signed_place",
            "signed_occasion",
            "summary",
            "document_url",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    partnership = serializers.SerializerMethodField()
    date = PartialDateField("date", allow_null=True)
    place: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    cities: Any = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    themes = ThemeSlugsField()

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "url",
            "title",
            "date",
            "format",
            "place",
            "partnership",
            "cities",
            "summary",
            "outcomes",
            "themes",
        ]

    def get_partnership(self, meeting: Meeting) -> str | None:
        partnership = meeting.partnership
        return partnership.slug if partnership and partnership.is_published else None


class ProjectSerializer(RowSerializer):
    shape = ProjectRows

    url = serializers.URLField()
    start = PartialDateField("start", allow_null=True)
    end = PartialDateField("end", allow_null=True)
    partnership = serializers.CharField(
        allow_null=True, help_text="The partnership's slug, when it is published."
    )
    cities = CityBriefSerializer(many=True)
    network = serializers.CharField(allow_null=True, help_text="The network's slug.")
    themes = ThemeSlugsField()

    class Meta(RowSerializer.Meta):
        model = CulturalProject
        fields = [
            "slug",
            "url",
            "title",
            "status",
            "start",
            "end",
            "partnership",
            "cities",
            "network",
            "description",
            "outputs",
            "themes",
            "updated_at",
        ]


class PartnershipDetailSerializer(PartnershipSerializer):
    """A partnership's row, with its life cycle, its agreements, meetings and projects (the
    project rows) and its sources."""

    detail_fields = ("status_history", "agreements", "meetings", "projects", "citations")

    status_history = serializers.SerializerMethodField()
    agreements = serializers.SerializerMethodField()
    meetings = serializers.SerializerMethodField()
    projects = serializers.SerializerMethodField()
    citations = serializers.SerializerMethodField()

    class Meta(PartnershipSerializer.Meta):
        fields = [
            *PartnershipSerializer.Meta.fields,
            "status_history",
            "agreements",
            "meetings",
            "projects",
            "citations",
        ]

    @extend_schema_field(STATUS_CHANGE)
    def get_status_history(self, partnership: Partnership) -> Any:
        return [
            {
                "status": change.status,
                "date": PartialDateField("date").to_representation(change.date_when)
                if change.date_when
                else None,
                "note": change.note,
            }
            for change in partnership.status_changes.all()
        ]

    @extend_schema_field(AgreementSerializer(many=True))
    def get_agreements(self, partnership: Partnership) -> Any:
        return AgreementSerializer(
            partnership.published_agreements,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data

    @extend_schema_field(MeetingSerializer(many=True))
    def get_meetings(self, partnership: Partnership) -> Any:
        return MeetingSerializer(
            partnership.published_meetings,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data

    @extend_schema_field(ProjectSerializer(many=True))
    def get_projects(self, partnership: Partnership) -> Any:
        return ProjectSerializer(
            partnership.published_projects,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, partnership: Partnership) -> Any:
        return CitationSerializer(partnership.citations.all(), many=True).data


class MembershipSerializer(serializers.ModelSerializer):
    city = CityBriefSerializer(read_only=True)
    since = PartialDateField("since", allow_null=True)
    until = PartialDateField("until", allow_null=True)

    class Meta:
        model = NetworkMembership
        fields = ["city", "field", "role", "since", "until"]


class NetworkSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    parent: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Network
        fields = [
            "slug",
            "url",
            "name",
            "native_name",
            "short_name",
            "parent",
            "website",
            "description",
            "members",
        ]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_members(self, network: Network) -> Any:
        return MembershipSerializer(
            network.published_memberships,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class SearchCitySerializer(CityBriefSerializer):
    """The searching city of a call (``source="*"``): ``url`` is null when the city has no
    page of its own yet (``seeking.views.mark_public_cities``)."""

    url = serializers.URLField(allow_null=True)

    def to_representation(self, search: PartnerSearch) -> Row:  # type: ignore[override]
        row = super().to_representation(search.city)
        if not getattr(search, "city_is_public", True):
            row["url"] = None
        return row


class ContactSerializer(serializers.Serializer):
    """The municipal office to write to: an office and a post, never a private person."""

    office = serializers.CharField(source="contact_office")
    role = serializers.CharField(source="contact_role")
    email = serializers.EmailField(source="contact_email", help_text="Empty when not given.")
    web_page = serializers.CharField(source="contact_url", help_text="Empty when not given.")


class PartnerSearchListSerializer(serializers.ListSerializer):
    """Marks, with one query for the page, which searching cities have a page of their own."""

    def to_representation(self, data: Any) -> list[Any]:
        searches = list(data.all() if hasattr(data, "all") else data)
        mark_public_cities(searches)
        return super().to_representation(searches)


class PartnerSearchSerializer(serializers.ModelSerializer):
    """A city's call for partners, published and running today."""

    url = PermalinkField()
    city = SearchCitySerializer(source="*", read_only=True)
    themes = ThemeSlugsField()
    countries = serializers.SerializerMethodField(
        help_text="Countries of interest, ISO 3166-1 alpha-2; empty when any is welcome."
    )
    regions = serializers.ListField(
        child=serializers.CharField(),
        help_text="UN M49 regions of interest (slugs); empty when any is welcome.",
    )
    languages = serializers.ListField(
        child=serializers.CharField(), help_text="Working languages, BCP 47 tags."
    )
    contact = ContactSerializer(source="*", read_only=True)
    starts = serializers.DateField(help_text="Public from this day.")
    ends = serializers.DateField(help_text="The last day it is public.")

    class Meta:
        model = PartnerSearch
        list_serializer_class = PartnerSearchListSerializer
        fields = [
            "slug",
            "url",
            "title",
            "city",
            "starts",
            "ends",
            "offers",
            "looking_for",
            "themes",
            "countries",
            "regions",
            "languages",
            "contact",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, search: PartnerSearch) -> list[str]:
        return [country.code for country in search.countries]
