import datetime

import factory
from factory.django import DjangoModelFactory

from agreements import models as agreements
from cities import models as cities
from publishing.publication import PublicationState


class CityFactory(DjangoModelFactory):
    class Meta:
        model = cities.City

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "IT"


class CityNameFactory(DjangoModelFactory):
    class Meta:
        model = cities.CityName

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Name {n}")
    language = "it"


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = cities.Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = cities.NetworkMembership

    city = factory.SubFactory(CityFactory)
    network = factory.SubFactory(NetworkFactory)
    field = "Music"
    publication_state = PublicationState.PUBLISHED


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = cities.Source

    title = factory.Sequence(lambda n: f"Source {n}")
    language = "en"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = agreements.Partnership

    city_a = factory.SubFactory(CityFactory)
    city_b = factory.SubFactory(CityFactory)
    kind = agreements.PartnershipKind.SISTER_CITY
    status = agreements.PartnershipStatus.ACTIVE
    established = datetime.date(1990, 1, 1)
    established_precision = "year"
    publication_state = PublicationState.PUBLISHED


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = agreements.Agreement

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    slug = factory.Sequence(lambda n: f"agreement-{n}")
    kind = agreements.AgreementKind.TWINNING_PACT
    status = agreements.AgreementStatus.SIGNED
    publication_state = PublicationState.PUBLISHED


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = agreements.Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    format = agreements.MeetingFormat.ONLINE
    partnership = factory.SubFactory(PartnershipFactory)
    publication_state = PublicationState.PUBLISHED


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = agreements.CulturalProject

    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    status = agreements.ProjectStatus.PLANNED
    partnership = factory.SubFactory(PartnershipFactory)
    publication_state = PublicationState.PUBLISHED


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = agreements.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = agreements.OrganizationKind.MUNICIPALITY
    publication_state = PublicationState.PUBLISHED


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = agreements.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")
    publication_state = PublicationState.PUBLISHED
