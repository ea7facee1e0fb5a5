"""A place's administrative level, read from what a source writes about it.

P190 links "administrative bodies", and the German list names districts as well as towns:
"Berlin (Bezirk Friedrichshain-Kreuzberg)", "V. Stadtbezirk von Budapest", "London Borough of
Barnet", "Provinz Saragossa", "Landkreis Göttingen". :func:`stated_level` recognises only the
wordings that say so unambiguously; any other name is a municipality (never guessed: "Bezirk
Harburg" or "Gangdong District" do not say which city they belong to, "X District" is also a
rural district, "Enzkreis" reads like "Ried im Innkreis", a town). Pure functions, no models:
the importer and the data migration both use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MUNICIPALITY = "municipality"
DISTRICT = "district"
REGION = "region"


@dataclass(frozen=True)
class StatedLevel:
    level: str
    name: str  # the place's own name: "Friedrichshain-Kreuzberg"
    parent: str = ""  # for a district, the name of its city: "Berlin"


rx = re.compile
# A district with a name of its own: the name, and the city it belongs to.
NAMED_DISTRICTS = [
    # Barnet (Stadtbezirk v. London)
    rx(r"^(?P<name>[^()]+?)\s*\(Stadtbezirk\s+v(?:on\b|\.)\s*(?P<city>[^()]+)\)$"),
    # Berlin (Bezirk Friedrichshain-Kreuzberg), Istanbul (Bezirk Kadiköy)
    rx(r"^(?P<city>[^()]+?)\s*\((?:Stadt)?[Bb]ezirk\s+(?P<name>[^()\d][^()]*)\)$"),
    # London Borough of Barnet, London-Borough-of-Havering
    rx(r"^(?P<city>London)[- ]Borough[- ]of[- ](?P<name>.+)$"),
    # District Frunsenski (St. Petersburg)
    rx(r"^District\s+(?P<name>[^()]+?)\s*\((?P<city>[^()]+)\)$"),
]
# A numbered district: its name is the source's wording, the city is named in it.
NUMBERED_DISTRICTS = [
    # Paris (12. Bezirk)
    rx(r"^(?P<city>[^()]+?)\s*\(\d+\.\s*Bezirk\)$"),
    # V. Stadtbezirk von Budapest, Stadtteil im 19. Bezirk von Budapest
    rx(r"^.*[Bb]ezirk\s+von\s+(?P<city>[^()]+)$"),
    # 3. Bezirk Budapest
    rx(r"^\d+\.\s*Bezirk\s+(?P<city>[^()\d]+)$"),
    # 13th district of Budapest
    rx(r"^\d+(?:st|nd|rd|th)\s+district\s+of\s+(?P<city>.+)$"),
    # Budapest XV. District
    rx(r"^(?P<city>[^()\d]+?)\s+[IVXLC]+\.\s+District$"),
    # Zentraler Verwaltungsbezirk in Moskau
    rx(r"^\w+\s+Verwaltungsbezirk\s+in\s+(?P<city>.+)$"),
]
# Counties, provinces and regions, by the word their name begins or ends with.
REGIONS = [
    rx(
        r"^(?:Provinz|Landkreis|Kreis|Département|Oblast|Region|Präfektur|Woiwodschaft|"
        r"Wojewodschaft|Powiat|Kanton|County|Rajon)\s+\S"
    ),
    rx(r"\bCounty\b"),
    rx(r"\S\s+Region$"),
    rx(r"\((?:Provinz|Kreis)\)$"),
    rx(r"\S-Kreis$"),
]


def stated_level(text: str) -> StatedLevel | None:
    """The level ``text`` states, or None for a municipality (or a name that says nothing)."""
    text = " ".join(text.split())
    if not text:
        return None
    for pattern in NAMED_DISTRICTS:
        found = pattern.match(text)
        if found:
            return StatedLevel(DISTRICT, found["name"].strip(), found["city"].strip())
    for pattern in NUMBERED_DISTRICTS:
        found = pattern.match(text)
        if found:
            return StatedLevel(DISTRICT, text, found["city"].strip())
    if any(pattern.search(text) for pattern in REGIONS):
        return StatedLevel(REGION, text)
    return None
