"""Merging duplicates (issue 14): a phantom "Brivela Gaillarde" into "Brive-la-Gaillarde", or
one partnership recorded twice, and the revert of such a merge.

A merge moves everything that points at the removed record to the one kept, then deletes the
removed record. It walks the relations generically (every model's foreign keys to the record,
its many-to-many rows through their through models, and every generic relation: citations,
theme tags, suggestions), so that a model added later is moved too;
``tests/test_merge.py`` fails for a relation nobody has reviewed (``REVIEWED``).

- A row that would become a duplicate of one the kept record already has (the same network
  membership, editor assignment, theme, meeting city) is merged into it in turn: its own
  citations move, then it is deleted.
- A city merge: the two partnerships A–X and B–X become the same pair, and are merged as a
  partnership merge (their agreements, meetings, projects, life cycle and citations move);
  A–B itself would become a city partnering itself, and blocks the merge. The removed city's
  name becomes another name of the kept city, its Wikidata id another of its ids.
- Every step is written to a journal (``MergeLog.journal``): the old values of each row
  changed, each row deleted (serialised), each row created. ``revert`` applies it backwards,
  restoring the removed record with its id and slug.

Everything is one transaction in ``bulk_write()``: one public change, on commit (the
content version moves, so public pages, counts and the API show the merged state at once).
The preview runs the same merge and rolls it back, so it shows exactly what would happen.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.models import City, CityName, OtherWikidataId
from publishing.events import bulk_write

from .models import CulturalProject, MergeLog, Partnership

# Every relation to a city or a partnership, as "app_label.Model.field", and how a merge
# treats it: "move" (point it at the kept record; a row that would duplicate one of the
# kept record's is merged into it), "pair" (a partnership's two cities: the pair is put in
# order, and a pair that already exists is a partnership merge), "derived" (rebuilt from
# the records: a facet index), "through" (a many-to-many relation, moved by its through
# model's rows). History tables are never moved: they say what was.
REVIEWED: dict[str, str] = {
    # to a city
    "cities.City.parent": "move",  # its districts
    "cities.OtherWikidataId.city": "move",
    "cities.CityName.city": "move",
    "cities.NetworkMembership.city": "move",
    "agreements.Organization.city": "move",
    "agreements.Partnership.city_a": "pair",
    "agreements.Partnership.city_b": "pair",
    "agreements.Partnership.confirmed_city": "pair",
    "agreements.Agreement.signed_place": "move",
    "agreements.Meeting.place": "move",
    "agreements.Meeting_cities.city": "move",
    "agreements.Meeting.cities": "through",
    "agreements.CulturalProject_cities.city": "move",
    "agreements.CulturalProject.cities": "through",
    "editors.CityAssignment.city": "move",
    "suggestions.Suggestion.city": "move",
    "suggestions.Suggestion.partner": "move",
    "suggestions.Suggestion_cities.city": "move",
    "suggestions.Suggestion.cities": "through",
    "seeking.PartnerSearch.city": "move",  # a city's call for partners
    "agreements.UnmatchedPlace.city": "move",  # an imported place matched to the city
    # to a partnership
    "agreements.PartnershipFacet.record": "derived",
    "agreements.StatusChange.partnership": "move",
    "agreements.Agreement.partnership": "move",
    "agreements.Meeting.partnership": "move",
    "agreements.CulturalProject.partnership": "move",
    "suggestions.Suggestion.draft_partnership": "move",
    "agreements.Claim.partnership": "move",  # what each source states: with its citation
    # to any record (generic relations)
    "cities.Citation.record": "move",
    "agreements.ThemedItem.content_object": "move",
    "taggit.TaggedItem.content_object": "move",
    "suggestions.Suggestion.record": "move",
}

MERGEABLE = (City, Partnership)

# Columns a curator cannot take from the removed record: its identity and address (the
# removed slug already leads to the record kept), its publication (a workflow of its own),
# what the database writes, and the pair of a partnership (the same two cities).
NOT_TAKEN = {
    "id",
    "slug",
    "search_key",
    "search_keys",
    "publication_state",
    "published_at",
    "created_at",
    "updated_at",
    "city_a",
    "city_b",
}


def takeable_fields(model: type[models.Model]) -> list[str]:
    """The fields whose value a curator may take from the removed record: each one a column
    or a partial date (its precision and "as written" come with it). Unique columns are not
    among them: the merge itself moves identifiers the record kept lacks."""
    names = {column.name for column in model._meta.concrete_fields}
    fields = []
    for column in model._meta.concrete_fields:
        name = column.name
        if name in NOT_TAKEN or column.unique or not column.editable:
            continue
        base = name.removesuffix("_precision").removesuffix("_as_written")
        if base != name and base in names:
            continue
        fields.append(name)
    return fields


def columns_taken(model: type[models.Model], names: Any) -> list[str]:
    """The attributes to copy for the chosen ``names``, or ``MergeError`` for a name that
    cannot be taken (a forged form)."""
    allowed = set(takeable_fields(model))
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise MergeError(
            _("These fields cannot be taken from the removed record: %(fields)s.")
            % {"fields": ", ".join(unknown)}
        )
    by_name = {column.name: column for column in model._meta.concrete_fields}
    columns = []
    for name in dict.fromkeys(names):
        columns.append(by_name[name].attname)
        columns += [
            f"{name}{suffix}"
            for suffix in ("_precision", "_as_written")
            if f"{name}{suffix}" in by_name
        ]
    return columns


def json_value(row: models.Model, attname: str) -> Any:
    """A column's value as JSON can hold it (dates as ISO text), for the merge log."""
    value = getattr(row, attname)
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    (column,) = (column for column in row._meta.concrete_fields if column.attname == attname)
    return column.value_to_string(row)


class MergeError(Exception):
    """A merge or a revert that cannot be made; the message says why, for the curator."""


def is_history(model: type[models.Model]) -> bool:
    return model.__name__.startswith("Historical")


@dataclass(frozen=True)
class Relation:
    """One way rows of ``model`` point at a record: ``field`` (a foreign key), or a generic
    relation whose id column is ``field``."""

    key: str
    model: type[models.Model]
    field: str
    generic: Any = None  # the GenericForeignKey, for a generic relation

    @property
    def kind(self) -> str:
        return REVIEWED.get(self.key, "move" if self.generic or self.concrete else "through")

    @property
    def concrete(self) -> bool:
        return self.generic is not None or any(
            column.attname == self.field and column.concrete
            for column in self.model._meta.concrete_fields
        )


def id_column(model: type[models.Model], name: str) -> str:
    column: Any = model._meta.get_field(name)
    return str(column.attname)


@functools.cache  # the models do not change once loaded
def relations_to(model: Any) -> list[Relation]:
    """Every relation to ``model``: reverse foreign keys (hidden ones too, such as a
    partnership's two cities), many-to-many relations and their through rows, and every
    generic relation of any model. Not the history tables."""
    found: list[Relation] = []
    rel: Any
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        related = rel.related_model
        if related is None or is_history(related):
            continue
        name = rel.field.name
        # A many-to-many relation is moved through its through model's foreign keys.
        column = rel.field.attname if rel.field.concrete else name
        found.append(Relation(f"{related._meta.label}.{name}", related, column))
    for candidate in apps.get_models():
        if is_history(candidate):
            continue
        private: Any
        for private in candidate._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                found.append(
                    Relation(
                        f"{candidate._meta.label}.{private.name}",
                        candidate,
                        id_column(candidate, private.fk_field),
                        private,
                    )
                )
    return found


def unreviewed(model: type[models.Model]) -> list[str]:
    """Relations to ``model`` that nobody has said how to merge (a new model, a new field)."""
    return sorted({relation.key for relation in relations_to(model)} - REVIEWED.keys())


# -- the journal ---------------------------------------------------------------------------------


@dataclass
class Step:
    """One line of the preview: what happens to one row."""

    group: str
    action: str  # moved, merged, created, updated, deleted
    text: str


@dataclass
class Journal:
    """The steps of one merge, as done (``entries``, to revert) and as told (``steps``)."""

    reason: str
    user: Any = None
    within: str = ""
    entries: list[dict[str, Any]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    moved: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    nested: list[tuple[Any, Any, dict[str, Any]]] = field(default_factory=list)

    def stamp(self, row: models.Model, reason: str) -> None:
        row._change_reason = reason or self.reason  # type: ignore[attr-defined]
        if getattr(self.user, "pk", None):  # the history row's author, outside a request too
            row._history_user = self.user  # type: ignore[attr-defined]

    def tell(self, group: str, action: str, row: models.Model) -> None:
        if self.within:  # a step of a partnership merged on the way
            group = f"{self.within} › {group}"
        self.steps.append(Step(group, action, str(row)))

    def update(self, row: models.Model, reason: str = "", **values: Any) -> None:
        old = {name: json_value(row, name) for name in values}
        for name, value in values.items():
            setattr(row, name, value)
        self.stamp(row, reason)
        row.save()
        new = {name: json_value(row, name) for name in values}
        self.entries.append(
            {"op": "update", "model": row._meta.label, "pk": row.pk, "old": old, "new": new}
        )

    def delete(self, row: models.Model, reason: str = "") -> None:
        data, pk = columns_of(row), row.pk
        self.stamp(row, reason)
        row.delete()
        self.entries.append({"op": "delete", "model": row._meta.label, "pk": pk, "fields": data})

    def create(self, row: models.Model) -> None:
        self.stamp(row, "")
        row.save()
        self.entries.append({"op": "create", "model": row._meta.label, "pk": row.pk})


def group_name(relation: Relation) -> str:
    model = relation.model
    if model._meta.auto_created:  # a many-to-many through model: name the relation's owner
        for candidate in model._meta.get_fields():
            if candidate.is_relation and candidate.related_model not in MERGEABLE:
                owner = candidate.related_model
                return str(owner._meta.verbose_name_plural)  # type: ignore[union-attr]
    if relation.key == "cities.City.parent":
        return _("districts")
    plural = str(model._meta.verbose_name_plural)
    if relation.generic is not None:
        return plural
    column: Any = model._meta.get_field(relation.key.rsplit(".", 1)[1])
    if column.name in ("city", "partnership"):  # what the row belongs to: the plain name
        return plural
    return f"{plural} ({column.verbose_name})"  # meetings (place), agreements (signed at)


# -- finding a row's twin ------------------------------------------------------------------------


def unique_sets(model: type[models.Model]) -> Iterator[tuple[list[str], Q | None]]:
    """Each set of columns ``model`` keeps unique (attnames), with its condition if any."""
    opts: Any = model._meta
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            names = [opts.get_field(name).attname for name in constraint.fields]
            yield names, constraint.condition
    for together in opts.unique_together:
        yield [opts.get_field(name).attname for name in together], None
    for column in opts.concrete_fields:
        if column.unique and not column.primary_key:
            yield [column.attname], None


def twin_of(row: models.Model, attname: str, value: Any) -> tuple[models.Model | None, str]:
    """The row that ``row`` would duplicate once its ``attname`` is ``value``, and, for a
    row that only collides with a conditional constraint (one preferred name per language),
    the boolean column to clear instead."""
    model = type(row)
    for names, condition in unique_sets(model):
        if attname not in names:
            continue
        lookup = {name: getattr(row, name) for name in names} | {attname: value}
        others = model._base_manager.filter(**lookup).exclude(pk=row.pk)
        if condition is None:
            twin = others.first()
            if twin is not None:
                return twin, ""
            continue
        flag = flag_of(condition)
        if flag and getattr(row, flag) and others.filter(condition).exists():
            return None, flag
    return None, ""


def flag_of(condition: Q) -> str:
    """The column of a condition such as ``Q(is_preferred=True)``, else ""."""
    if len(condition.children) == 1 and not condition.negated:
        child = condition.children[0]
        if isinstance(child, tuple) and child[1] is True:
            return str(child[0])
    return ""


# -- merging -------------------------------------------------------------------------------------


def reason_for(kept: models.Model, removed: models.Model) -> str:
    return f"merged into {kept} (#{kept.pk})"


def move_row(
    journal: Journal, relation: Relation, row: models.Model, kept: models.Model, group: str
) -> None:
    value = kept.pk
    twin, flag = twin_of(row, relation.field, value)
    if twin is not None:
        journal.tell(group, "merged", row)
        merge_rows(journal, twin, row)
        return
    values = {relation.field: value}
    if flag:
        values[flag] = False
    journal.tell(group, "moved", row)  # as it was
    journal.update(row, **values)
    journal.moved[relation.key].append(row.pk)


def rows_of(relation: Relation, record: models.Model) -> models.QuerySet[Any]:
    manager = relation.model._base_manager
    if relation.generic is not None:
        content_type = ContentType.objects.get_for_model(type(record))
        return manager.filter(
            **{relation.generic.ct_field: content_type, relation.field: record.pk}
        ).order_by("pk")
    return manager.filter(**{relation.field: record.pk}).order_by("pk")


def merge_rows(journal: Journal, kept: Any, removed: Any) -> None:
    """Move what points at ``removed`` to ``kept`` (any model), then delete ``removed``."""
    is_city = isinstance(kept, City)
    if is_city:
        before_city_merge(journal, kept, removed)
    for relation in relations_to(kept.__class__):
        kind = relation.kind
        if kind in ("derived", "through") or not relation.concrete:
            continue
        if kind == "pair":
            if relation.key.endswith(".city_a"):  # once for the three columns
                move_partnerships(journal, kept, removed)
            continue
        group = group_name(relation)
        for row in rows_of(relation, removed):
            if is_city and relation.key == "cities.City.parent" and row.pk == kept.pk:
                continue  # the kept city was a district of the removed one: see before
            move_row(journal, relation, row, kept, group)
    if journal.blockers:
        return  # the removed record is still referred to: the merge will not happen
    if is_city:
        name_and_ids(journal, kept, removed)
    if isinstance(kept, Partnership):
        journal.nested.append((kept, removed, fields_of(removed)))
    journal.delete(removed, reason_for(kept, removed))


def before_city_merge(journal: Journal, kept: City, removed: City) -> None:
    if kept.parent_id == removed.pk:  # the kept city was a district of the removed one
        parent = removed.parent_id if removed.parent_id != kept.pk else None
        journal.update(kept, parent_id=parent)
        journal.tell(_("districts"), "updated", kept)


def move_partnerships(journal: Journal, kept: City, removed: City) -> None:
    """The removed city's partnerships become the kept city's; a pair that then exists
    twice is a partnership merge, a pair of the two cities themselves blocks the merge."""
    group = str(Partnership._meta.verbose_name_plural)
    involving = Partnership.objects.filter(Q(city_a=removed) | Q(city_b=removed)).order_by("pk")
    for partnership in involving.select_related("city_a", "city_b"):
        sides = (partnership.city_a_id, partnership.city_b_id)
        other = sides[1] if sides[0] == removed.pk else sides[0]
        if other == kept.pk:
            journal.blockers.append(
                _(
                    "%(partnership)s would become a partnership of %(city)s with itself. "
                    "Delete or correct it first."
                )
                % {"partnership": partnership, "city": kept}
            )
            continue
        low, high = sorted([kept.pk, other])
        twin = (
            Partnership.objects.filter(city_a=low, city_b=high, kind=partnership.kind)
            .exclude(pk=partnership.pk)
            .first()
        )
        if twin is not None:
            journal.tell(group, "merged", partnership)
            journal.within, outer = str(partnership), journal.within
            merge_rows(journal, twin, partnership)
            journal.within = outer
            continue
        confirmed = partnership.confirmed_city_id
        journal.tell(group, "moved", partnership)
        values: dict[str, Any] = {
            "city_a_id": low,
            "city_b_id": high,
            "confirmed_city_id": kept.pk if confirmed == removed.pk else confirmed,
        }
        old = partnership.slug
        if old == partnership.make_slug():  # not a slug a curator chose: made again
            values |= readdress(journal, partnership, low, high)
        journal.update(partnership, **values)
        journal.moved["agreements.Partnership.city"].append(partnership.pk)


def readdress(journal: Journal, partnership: Partnership, low: int, high: int) -> dict[str, str]:
    """A partnership's address made from the removed city's slug is made again from the kept
    city's ("brivela-gaillarde-tulle" becomes "brive-la-gaillarde-tulle"); the old address
    leads to the new one (a log of its own under the merge's, like a partnership merged)."""
    old = partnership.slug
    new = Partnership(city_a_id=low, city_b_id=high, kind=partnership.kind).make_slug()
    if new == old or Partnership.objects.filter(slug=new).exists():
        return {}
    journal.nested.append((partnership, partnership, {"id": partnership.pk, "slug": old}))
    journal.steps.append(Step(_("addresses"), "renamed", f"{old} → {new}"))
    return {"slug": new}


def name_and_ids(journal: Journal, kept: City, removed: City) -> None:
    """The removed city's name becomes another name of the kept city; its Wikidata id
    another of its ids (or its id, when it had none: after the removed city is gone)."""
    names = _("names")
    if removed.name != kept.name and not kept.names.filter(name=removed.name, language="").exists():
        name = CityName(city=kept, name=removed.name, language="")
        journal.create(name)
        journal.tell(names, "created", name)
    wikidata = removed.wikidata_id
    known = OtherWikidataId.objects.filter(wikidata_id=wikidata).exists()
    if wikidata and kept.wikidata_id and wikidata != kept.wikidata_id and not known:
        other = OtherWikidataId(city=kept, wikidata_id=wikidata)
        journal.create(other)
        journal.tell(str(OtherWikidataId._meta.verbose_name_plural), "created", other)


def keep_old_name(journal: Journal, kept: City, old_name: str) -> None:
    """The kept city took the removed one's name: its own becomes another of its names, in
    place of the other name the merge had just added (now its name)."""
    if kept.names.filter(name=old_name, language="").exists():
        return
    added = kept.names.filter(name=kept.name, language="").first()
    if added is not None:
        journal.update(added, name=old_name)
    else:
        name = CityName(city=kept, name=old_name, language="")
        journal.create(name)
        journal.tell(_("names"), "created", name)


def after_city_merge(journal: Journal, kept: City, removed: dict[str, Any]) -> None:
    """Identifiers only the removed city had, once it no longer holds them."""
    values = {}
    if removed.get("wikidata_id") and not kept.wikidata_id:
        values["wikidata_id"] = removed["wikidata_id"]
    if removed.get("geonames_id") and not kept.geonames_id:
        values["geonames_id"] = removed["geonames_id"]
    if values:
        journal.update(kept, **values)
        journal.tell(_("identifiers"), "updated", kept)


def columns_of(row: models.Model) -> dict[str, Any]:
    """The row's columns as JSON: each as its field writes it as text (dates in ISO form, to
    the microsecond, which Django's serialisers round to the millisecond), None as None."""
    data: dict[str, Any] = {}
    for column in row._meta.concrete_fields:
        value = column.value_from_object(row)
        if value is None or isinstance(value, bool | int | str | dict | list):
            data[column.attname] = value
        else:
            data[column.attname] = column.value_to_string(row)
    return data


def restore(model: type[models.Model], data: dict[str, Any], stamp: Any, reason: str) -> Any:
    """Insert the row ``columns_of`` wrote, as it was: its id, its slug, its dates. Saved as
    any save (its history says it was restored), then its automatic dates put back."""
    opts = model._meta
    values = {}
    for column in opts.concrete_fields:
        value = data.get(column.attname)
        values[column.attname] = None if value is None else column.to_python(value)
    row = model(**values)
    stamp(row, reason)
    row.save(force_insert=True)
    automatic = {
        column.attname: values[column.attname]
        for column in opts.concrete_fields
        if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False)
    }
    if automatic:
        model._base_manager.filter(pk=row.pk).update(**automatic)
    return row


def fields_of(record: models.Model) -> dict[str, Any]:
    """The record's own columns, as JSON, for the log."""
    return columns_of(record) | {"id": record.pk}


@dataclass
class MergeResult:
    kept: models.Model
    removed: models.Model
    steps: list[Step]
    blockers: list[str]
    log: MergeLog | None = None

    def grouped(self) -> list[tuple[str, list[Step]]]:
        groups: dict[str, list[Step]] = {}
        for step in self.steps:
            groups.setdefault(step.group, []).append(step)
        return list(groups.items())


class _Preview(Exception):
    """Raised to roll a preview back."""


def merge(
    kept: models.Model,
    removed: models.Model,
    user: Any,
    preview: bool = False,
    take: Any = (),
) -> MergeResult:
    """Merge ``removed`` into ``kept`` (two cities or two partnerships), in one transaction.

    ``take``: fields (``takeable_fields``) whose value the record kept takes from the
    removed one, e.g. its population or its date established. ``preview``: do it, tell what
    was done, and roll it all back. A merge with blockers raises ``MergeError`` (a preview
    lists them)."""
    model = type(kept)
    if model not in MERGEABLE or type(removed) is not model:
        raise MergeError(_("Only two cities or two partnerships can be merged."))
    taken_columns = columns_taken(model, take)
    if kept.pk == removed.pk:
        raise MergeError(_("Choose two different records."))
    if isinstance(kept, Partnership) and {kept.city_a_id, kept.city_b_id} != {
        removed.city_a_id,  # type: ignore[attr-defined]
        removed.city_b_id,  # type: ignore[attr-defined]
    }:
        raise MergeError(_("Only two partnerships of the same two cities can be merged."))
    result: MergeResult | None = None
    try:
        with transaction.atomic(), bulk_write():
            locked = model._base_manager.select_for_update().filter(pk__in=[kept.pk, removed.pk])
            records = {record.pk: record for record in locked}
            if len(records) != 2:
                raise MergeError(_("One of the two records no longer exists."))
            kept, removed = records[kept.pk], records[removed.pk]
            journal = Journal(reason_for(kept, removed), user)
            removed_data = fields_of(removed)
            taken = {attname: getattr(removed, attname) for attname in taken_columns}
            removed_label, removed_slug = str(removed), removed.slug  # type: ignore[attr-defined]
            merge_rows(journal, kept, removed)
            result = MergeResult(kept, removed, journal.steps, journal.blockers)
            if journal.blockers:
                if preview:
                    raise _Preview
                raise MergeError(" ".join(journal.blockers))
            if isinstance(kept, City):
                kept.refresh_from_db()
                after_city_merge(journal, kept, removed_data)
                if taken.get("parent_id") == kept.pk:
                    raise MergeError(_("A city cannot be its own district."))
            kept.refresh_from_db()
            old_name = getattr(kept, "name", "")
            journal.update(
                kept, reason=f"merged {removed_label} (#{removed.pk}) into this record", **taken
            )
            if taken:
                journal.tell(_("fields taken from the removed record"), "updated", kept)
            if isinstance(kept, City) and taken.get("name", old_name) != old_name:
                keep_old_name(journal, kept, old_name)
            refresh_indexes(journal)
            if preview:
                raise _Preview
            result.log = write_log(journal, kept, removed_label, removed_slug, removed_data, user)
    except _Preview:
        pass
    except IntegrityError as error:
        raise MergeError(
            _("The database refused the merge: %(error)s") % {"error": error}
        ) from None
    if result is None:  # pragma: no cover - every path above sets it or raises
        raise MergeError(_("Nothing was merged."))
    return result


def write_log(
    journal: Journal,
    kept: models.Model,
    removed_label: str,
    removed_slug: str,
    removed_data: dict[str, Any],
    user: Any,
) -> MergeLog:
    moved = {key: ids for key, ids in journal.moved.items()}
    log = MergeLog.objects.create(
        model=kept._meta.label_lower,
        survivor_id=kept.pk,
        survivor_label=str(kept)[:300],
        removed_id=removed_data["id"],
        removed_slug=removed_slug,
        removed_label=removed_label[:300],
        removed_data=removed_data,
        moved=moved,
        journal=journal.entries,
        created_by=user if getattr(user, "pk", None) else None,
    )
    for survivor, nested, data in journal.nested:
        if data["id"] == removed_data["id"] and type(nested) is type(kept):
            continue  # the merge itself
        MergeLog.objects.create(
            model=Partnership._meta.label_lower,
            survivor_id=survivor.pk,
            survivor_label=str(survivor)[:300],
            removed_id=data["id"],
            removed_slug=data["slug"],
            removed_label=str(nested)[:300],
            removed_data=data,
            parent=log,
            created_by=log.created_by,
        )
    return log


def refresh_indexes(journal: Journal) -> None:
    """The facet indexes of the partnerships and projects a step touched: moving rows of a
    many-to-many relation sends no signal that would refresh them."""
    touched: dict[str, set[int]] = defaultdict(set)
    for entry in journal.entries:
        if entry["op"] == "update":
            touched[entry["model"]].add(entry["pk"])
            for name, value in entry["new"].items():
                if name == "culturalproject_id":
                    touched["agreements.CulturalProject"].add(value)
    partnerships = touched["agreements.Partnership"]
    Partnership.objects.filter(pk__in=partnerships).refresh_facets()
    projects = CulturalProject.objects.filter(
        Q(pk__in=touched["agreements.CulturalProject"]) | Q(partnership__in=partnerships)
    )
    projects.refresh_facets()


# -- reverting -----------------------------------------------------------------------------------


def touched_rows(log: MergeLog) -> set[tuple[str, Any]]:
    rows: set[tuple[str, Any]] = set()
    for entry in log.journal:
        rows.add((entry["model"], entry["pk"]))
    return rows


def revert_blocker(log: MergeLog) -> str:
    """Why ``log`` cannot be reverted now ("" if it can)."""
    if log.parent_id is not None:
        return _("This merge was part of another one: revert that one.")
    if log.reverted_at is not None:
        return _("This merge has already been reverted.")
    mine = touched_rows(log)
    later = MergeLog.objects.filter(parent=None, reverted_at=None, pk__gt=log.pk)
    for other in later:
        if mine & touched_rows(other):
            return _("A later merge (%(merge)s) changed the same records: revert it first.") % {
                "merge": other
            }
    return ""


def revert(log: MergeLog, user: Any) -> None:
    """Undo the merge ``log``: each step of its journal backwards, in one transaction."""
    reason = f"merge reverted: {log}"
    try:
        with transaction.atomic(), bulk_write():
            log = MergeLog.objects.select_for_update().get(pk=log.pk)
            problem = revert_blocker(log)
            if problem:
                raise MergeError(problem)
            stamp = Journal(reason, user).stamp
            partnerships: set[int] = set()
            projects: set[int] = set()
            for entry in reversed(log.journal):
                model = apps.get_model(entry["model"])
                if entry["op"] == "update":
                    row = model._base_manager.filter(pk=entry["pk"]).first()
                    if row is None:
                        raise MergeError(
                            _("%(record)s #%(id)s was deleted after the merge.")
                            % {"record": model._meta.verbose_name, "id": entry["pk"]}
                        )
                    for name, value in entry["old"].items():
                        # As the log holds it (dates as text), typed again for the save.
                        value = model._meta.get_field(name).to_python(value)
                        setattr(row, name, value)
                        if name == "culturalproject_id":
                            projects.add(value)
                    stamp(row, reason)
                    row.save()
                elif entry["op"] == "delete":
                    row = restore(model, entry["fields"], stamp, reason)
                else:
                    row = model._base_manager.filter(pk=entry["pk"]).first()
                    if row is not None:
                        stamp(row, reason)
                        row.delete()
                if model is Partnership and row is not None:
                    partnerships.add(row.pk)
            now = timezone.now()
            changed_by = user if getattr(user, "pk", None) else None
            MergeLog.objects.filter(Q(pk=log.pk) | Q(parent=log)).update(
                reverted_at=now, reverted_by=changed_by
            )
            Partnership.objects.filter(pk__in=partnerships).refresh_facets()
            CulturalProject.objects.filter(
                Q(pk__in=projects) | Q(partnership__in=partnerships)
            ).refresh_facets()
    except (IntegrityError, DatabaseError) as error:
        raise MergeError(
            _("The database refused to revert the merge: %(error)s") % {"error": error}
        ) from None


# -- old addresses -------------------------------------------------------------------------------


def merged_into(model: type[models.Model], slug: str) -> models.Model | None:
    """The record that the removed record once at ``slug`` was merged into (following later
    merges of that one), if it still exists; None when no standing merge removed it."""
    label = model._meta.label_lower
    log = (
        MergeLog.objects.filter(model=label, removed_slug=slug, reverted_at=None)
        .order_by("-pk")
        .first()
    )
    for _hop in range(20):
        if log is None:
            return None
        found = model._base_manager.filter(pk=log.survivor_id).first()
        if found is not None:
            return found
        log = (
            MergeLog.objects.filter(model=label, removed_id=log.survivor_id, reverted_at=None)
            .order_by("-pk")
            .first()
        )
    return None
