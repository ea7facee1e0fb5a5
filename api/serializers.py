"""Read-only representations of published records.

Dates keep their precision: ``{"date": "1998-01-01", "precision": "year", "iso": "1998",
"as_written": "1377 SH"}`` — the ``iso`` form never claims a day the source does not give.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Partnership,
    Theme,
)
from cities.models import Citation, City, CityName, Network, NetworkMembership
from common.dates import PartialDate


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


class CityBriefSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    country = serializers.CharField(source="country.code")
    country_name = serializers.CharField(source="country.name")

    class Meta:
        model = City
        fields = [
            "slug",
            "name",
            "url",
            "country",
            "country_name",
            "latitude",
            "longitude",
            "wikidata_id",
            "geonames_id",
        ]


class CitySerializer(CityBriefSerializer):
    names = CityNameSerializer(many=True, read_only=True)
    region = serializers.CharField()

    class Meta(CityBriefSerializer.Meta):
        fields = [
            *CityBriefSerializer.Meta.fields,
            "region",
            "subdivision",
            "population",
            "names",
        ]


class CitationSerializer(serializers.ModelSerializer):
    # Named as the output key; DRF's Field also has a ``source`` attribute, hence the ignore.
    source = inline_serializer(  # type: ignore[assignment]
        "Source",
        {
            "title": serializers.CharField(),
            "title_en": serializers.CharField(),
            "publisher": serializers.CharField(),
            "url": serializers.URLField(),
            "language": serializers.CharField(),
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
                "url": source.url,
                "language": source.language,
                "published": PartialDateField("published").to_representation(source.published_when)
                if source.published_when
                else None,
            },
            "excerpt": citation.excerpt,
            "excerpt_en": citation.excerpt_en,
            "locator": citation.locator,
        }


class ThemeSlugsField(serializers.Field):
    """The slugs of a record's themes (``theme_list``, see ``prefetch_themes``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "theme_list")
        super().__init__(**kwargs)

    def to_representation(self, themes: Any) -> list[str]:
        return sorted(theme.slug for theme in themes)


ThemeSlugsField = extend_schema_field(  # type: ignore[misc]
    {"type": "array", "items": {"type": "string"}}
)(ThemeSlugsField)


class PartnershipSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = serializers.SerializerMethodField()
    city_a = CityBriefSerializer(read_only=True)
    city_b = CityBriefSerializer(read_only=True)
    established = PartialDateField("established", allow_null=True)
    ended = PartialDateField("ended", allow_null=True)
    themes = ThemeSlugsField()

    class Meta:
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
        ]

    def get_api_url(self, partnership: Partnership) -> str:
        url = reverse("api:partnership-detail", args=[partnership.slug])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class RecordBriefSerializer(serializers.Serializer):
    """A linked record: its title, date and page."""

    slug = serializers.CharField()
    title = serializers.CharField()
    url = PermalinkField()


class PartnershipDetailSerializer(PartnershipSerializer):
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

    @extend_schema_field(
        {"type": "array", "items": {"type": "object", "additionalProperties": True}}
    )
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

    @extend_schema_field(RecordBriefSerializer(many=True))
    def get_agreements(self, partnership: Partnership) -> Any:
        return AgreementSerializer(
            partnership.published_agreements,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data

    @extend_schema_field(RecordBriefSerializer(many=True))
    def get_meetings(self, partnership: Partnership) -> Any:
        return MeetingSerializer(
            partnership.published_meetings,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data

    @extend_schema_field(RecordBriefSerializer(many=True))
    def get_projects(self, partnership: Partnership) -> Any:
        return ProjectSerializer(
            partnership.published_projects,  # type: ignore[attr-defined]  # Prefetch to_attr
            many=True,
            context=self.context,
        ).data

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, partnership: Partnership) -> Any:
        return CitationSerializer(partnership.citations.all(), many=True).data


class AgreementSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    partnership: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    signed = PartialDateField("signed", allow_null=True)
    signed_place: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)

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
    place: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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


class ProjectSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    partnership = serializers.SerializerMethodField()
    start = PartialDateField("start", allow_null=True)
    end = PartialDateField("end", allow_null=True)
    cities: Any = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    network: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = ThemeSlugsField()

    class Meta:
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
        ]

    def get_partnership(self, project: CulturalProject) -> str | None:
        partnership = project.partnership
        return partnership.slug if partnership and partnership.is_published else None


class MembershipSerializer(serializers.ModelSerializer):
    city = CityBriefSerializer(read_only=True)
    since = PartialDateField("since", allow_null=True)
    until = PartialDateField("until", allow_null=True)

    class Meta:
        model = NetworkMembership
        fields = ["city", "field", "role", "since", "until"]


class NetworkSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    parent: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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
