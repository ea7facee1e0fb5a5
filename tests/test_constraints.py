"""The database refuses what the data model forbids, whatever writes the row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Agreement, Participant, Partnership, Signatory
from cities.models import City, CityName, NetworkMembership

from .factories import (
    AgreementFactory,
    CityFactory,
    CityNameFactory,
    MeetingFactory,
    MembershipFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def refused(write) -> bool:  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_a_city_cannot_partner_itself() -> None:
    city = CityFactory()
    assert refused(
        lambda: Partnership.objects.bulk_create(
            [Partnership(city_a=city, city_b=city, kind="sister_city", status="active", slug="x")]
        )
    )
    with pytest.raises(ValidationError, match="cannot partner itself"):
        Partnership(city_a=city, city_b=city, kind="sister_city", status="active").full_clean()


def test_pair_is_stored_in_canonical_order_whichever_way_it_is_entered() -> None:
    low, high = CityFactory(), CityFactory()
    partnership = PartnershipFactory(city_a=high, city_b=low)
    partnership.refresh_from_db()
    assert (partnership.city_a, partnership.city_b) == (low, high)
    # Bypassing save() with the reverse order is refused by the database.
    assert refused(
        lambda: Partnership.objects.bulk_create(
            [Partnership(city_a=high, city_b=low, kind="friendship", status="active", slug="y")]
        )
    )


def test_the_same_pair_and_kind_cannot_be_entered_twice_in_either_order() -> None:
    one, other = CityFactory(), CityFactory()
    PartnershipFactory(city_a=one, city_b=other, kind="sister_city")
    assert refused(
        lambda: PartnershipFactory(city_a=other, city_b=one, kind="sister_city", slug="z")
    )
    duplicate = Partnership(city_a=other, city_b=one, kind="sister_city", status="active", slug="w")
    with pytest.raises(ValidationError, match="already have a partnership of this kind"):
        duplicate.full_clean()
    # Another kind for the same pair is a different relationship.
    PartnershipFactory(city_a=other, city_b=one, kind="friendship")


def test_a_partnership_cannot_end_before_it_is_established() -> None:
    assert refused(
        lambda: PartnershipFactory(
            established=datetime.date(2000, 1, 1),
            established_precision="year",
            ended=datetime.date(1999, 6, 1),
            ended_precision="month",
        )
    )


@pytest.mark.parametrize(
    ("factory", "start", "end"),
    [(ProjectFactory, "start", "end"), (MembershipFactory, "since", "until")],
)
def test_other_periods_cannot_end_before_they_start(factory, start, end) -> None:  # type: ignore[no-untyped-def]
    assert refused(
        lambda: factory(
            **{
                start: datetime.date(2020, 1, 1),
                f"{start}_precision": "day",
                end: datetime.date(2019, 1, 1),
                f"{end}_precision": "day",
            }
        )
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (Decimal("90.5"), Decimal("0")),
        (Decimal("-91"), Decimal("0")),
        (Decimal("0"), Decimal("180.1")),
        (Decimal("10"), None),
    ],
)
def test_coordinates_must_be_in_range_and_paired(latitude, longitude) -> None:  # type: ignore[no-untyped-def]
    assert refused(lambda: CityFactory(latitude=latitude, longitude=longitude))


def test_coordinates_at_the_limits_are_accepted() -> None:
    CityFactory(latitude=Decimal("-90"), longitude=Decimal("180"))


def test_identifiers_are_optional_but_unique_when_set() -> None:
    CityFactory(), CityFactory()  # two cities without ids
    CityFactory(wikidata_id="Q2044", geonames_id=3176959)
    assert refused(lambda: CityFactory(wikidata_id="Q2044"))
    assert refused(lambda: CityFactory(geonames_id=3176959))


def test_a_malformed_wikidata_id_gets_a_clear_message() -> None:
    city = CityFactory.build(wikidata_id="2044")
    with pytest.raises(ValidationError, match="Q followed by digits"):
        city.full_clean()


@pytest.mark.parametrize(
    ("model_factory", "field", "value"),
    [
        (PartnershipFactory, "kind", "marriage"),
        (PartnershipFactory, "status", "asleep"),
        (PartnershipFactory, "publication_state", "public"),
        (AgreementFactory, "kind", "treaty"),
        (AgreementFactory, "status", "void"),
        (MeetingFactory, "format", "telepathy"),
        (ProjectFactory, "status", "maybe"),
        (MembershipFactory, "role", "king"),
        (PartnershipFactory, "established_precision", "week"),
    ],
)
def test_choices_are_constrained_in_the_database(model_factory, field, value) -> None:  # type: ignore[no-untyped-def]
    record = model_factory()
    assert refused(lambda: type(record).objects.filter(pk=record.pk).update(**{field: value}))


def test_a_date_and_its_precision_come_together() -> None:
    record = PartnershipFactory()
    assert refused(
        lambda: Partnership.objects.filter(pk=record.pk).update(established_precision="")
    )
    assert refused(lambda: Partnership.objects.filter(pk=record.pk).update(established=None))


def test_one_preferred_name_per_language() -> None:
    city = CityFactory()
    CityNameFactory(city=city, name="Firenze", language="it", is_preferred=True)
    CityNameFactory(city=city, name="Fiorenza", language="it", is_preferred=False)
    assert refused(
        lambda: CityNameFactory(city=city, name="Fiorenza2", language="it", is_preferred=True)
    )
    assert refused(lambda: CityNameFactory(city=city, name="Firenze", language="it"))


def test_a_membership_role_is_recorded_once_per_field() -> None:
    membership = MembershipFactory()
    assert refused(
        lambda: MembershipFactory(
            city=membership.city, network=membership.network, field=membership.field
        )
    )
    assert NetworkMembership.objects.count() == 1


def test_a_signatory_or_participant_names_someone() -> None:
    agreement = AgreementFactory()
    assert refused(lambda: Signatory.objects.create(agreement=agreement, role="witness"))
    meeting = MeetingFactory()
    assert refused(lambda: Participant.objects.create(meeting=meeting, role="guest"))


def test_deleting_a_city_with_partnerships_is_refused() -> None:
    from django.db.models import ProtectedError

    partnership = PartnershipFactory()
    with pytest.raises(ProtectedError):
        partnership.city_a.delete()
    assert City.objects.filter(pk=partnership.city_a.pk).exists()


def test_deleting_a_partnership_with_agreements_is_refused() -> None:
    from django.db.models import ProtectedError

    agreement = AgreementFactory()
    with pytest.raises(ProtectedError):
        agreement.partnership.delete()
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_names_are_deleted_with_their_city() -> None:
    name = CityNameFactory()
    name.city.delete()
    assert not CityName.objects.exists()


def test_a_network_cannot_be_its_own_parent() -> None:
    from .factories import NetworkFactory

    network = NetworkFactory()
    assert refused(lambda: type(network).objects.filter(pk=network.pk).update(parent=network))


def test_a_precision_without_a_date_gets_a_field_message() -> None:
    partnership = PartnershipFactory.build(
        city_a=CityFactory(), city_b=CityFactory(), established=None, established_precision="year"
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert error.value.message_dict["established"] == ["Give the date, or clear its precision."]


def test_a_city_name_kind_is_constrained() -> None:
    name = CityNameFactory()
    assert refused(lambda: CityName.objects.filter(pk=name.pk).update(kind="nickname"))
