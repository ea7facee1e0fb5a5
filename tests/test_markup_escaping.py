"""Names typed by editors reach the public pages as text, never as markup: in the facet panel,
the result cards, the map overlay and the JSON-LD script element."""

import json
from typing import Any

import pytest
from django.urls import reverse

from .factories import CityFactory, MembershipFactory, NetworkFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def test_a_network_name_with_a_script_tag_is_text_in_the_facet_panel(client: Any) -> None:
    network = NetworkFactory(slug="hostile", name=f"Network {HOSTILE}")
    member = CityFactory(country="IT")
    MembershipFactory(city=member, network=network)
    PartnershipFactory(city_a=member)
    html = client.get(reverse("directory:partnership-list")).content.decode()
    assert 'value="hostile"' in html  # the option is there
    assert HOSTILE not in html
    assert "Network &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_selected_option_with_quotes_and_tags_in_its_label_stays_one_checked_box(
    client: Any,
) -> None:
    network = NetworkFactory(slug="plain", name='Quote " and <b>bold</b>')
    member = CityFactory(country="IT")
    MembershipFactory(city=member, network=network)
    PartnershipFactory(city_a=member)
    html = client.get(reverse("directory:partnership-list") + "?network=plain").content.decode()
    assert "<b>bold</b>" not in html
    assert 'Quote &quot; and &lt;b&gt;bold&lt;/b&gt;</span> <span class="count">1</span>' in html
    assert (
        '<input type="checkbox" name="network" value="plain" id="facet-network-plain" checked>'
        in html
    )


def test_a_city_name_with_a_script_tag_is_text_on_the_pages_and_in_the_map(client: Any) -> None:
    city = CityFactory(name=f"Town {HOSTILE}", latitude=45, longitude=9)
    partnership = PartnershipFactory(city_a=city, city_b=CityFactory(latitude=50, longitude=10))
    pages = [
        reverse("directory:partnership-list"),
        reverse("directory:partnership-detail", args=[partnership.slug]),
        reverse("directory:city-detail", args=[city.slug]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "Town &lt;script&gt;" in html, url
    svg = client.get(reverse("directory:city-map", args=[city.slug])).content.decode()
    assert "<script" not in svg
    assert "Town &lt;script&gt;" in svg


def test_the_json_ld_of_a_hostile_name_cannot_close_its_script_element(client: Any) -> None:
    city = CityFactory(name=f"Town {HOSTILE}")
    PartnershipFactory(city_a=city)
    html = client.get(reverse("directory:city-detail", args=[city.slug])).content.decode()
    head = html.split('<script type="application/ld+json">')
    assert len(head) == 2, "one JSON-LD element"
    text = head[1].split("</script>")[0]
    assert "<" not in text and ">" not in text
    assert json.loads(text)["name"] == f"Town {HOSTILE}"
