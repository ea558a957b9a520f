"""The copy of a whole record covers every model that holds a client's data (H-075).

Walks Django's model relations from Client (reverse links and many-to-many, recursively): a new
model linked to a client fails this test until it is copied (``subject_access.collect.SECTIONS``)
or listed with its reason in ``NOT_COPIED``.
"""

from __future__ import annotations

import pytest
from django.db import models

from iptclinic.clients.models import Client
from iptclinic.subject_access.collect import NOT_COPIED, SECTIONS, collect
from tests.clinical_objects import clinical_objects


def linked_models(start: type[models.Model]) -> set[type[models.Model]]:
    found: set[type[models.Model]] = set()
    waiting = [start]
    while waiting:
        model = waiting.pop()
        for relation in model._meta.get_fields():
            reverse = relation.auto_created and not relation.concrete
            if not (reverse and (relation.one_to_many or relation.one_to_one)) and not (
                relation.many_to_many
            ):
                continue
            target = relation.related_model
            if target is None or target in found or target is start:
                continue
            if target._meta.app_label in {"accounts", "auth", "contenttypes", "otp_totp"}:
                continue  # staff accounts and the like are reached through a staff link only
            found.add(target)
            waiting.append(target)
    return found


def test_every_model_linked_to_a_client_is_copied_or_left_out_with_a_reason():
    copied = {section.model._meta.label_lower for section in SECTIONS}
    linked = {model._meta.label_lower for model in linked_models(Client)}
    missing = sorted(linked - copied - set(NOT_COPIED))
    assert not missing, (
        f"{missing} hold a client's data but are not in the copy of the whole record: add a "
        "Section to iptclinic/subject_access/collect.py, or a reason to NOT_COPIED."
    )
    assert "clients.client" in copied


def test_no_reason_is_kept_for_a_model_that_no_longer_exists():
    linked = {model._meta.label_lower for model in linked_models(Client)}
    assert set(NOT_COPIED) <= linked


@pytest.mark.django_db
def test_every_field_of_every_copied_record_is_in_the_copy(tess, cara):
    clinical_objects(cara, tess)
    sections = {section["key"]: section for section in collect(cara).as_json()["sections"]}
    for section in SECTIONS:
        fields = {
            f.name
            for f in section.model._meta.concrete_fields
            if not isinstance(f, models.BinaryField)
        }
        for row in sections[section.key]["records"]:
            left_out = fields - set(row)
            assert left_out <= {"id", "version", "client", "team", "portal_user"}, (
                section.key,
                left_out,
            )
    assert sections["letters"]["records"][0]["letter_text"][0]["text"] == "Your appointments"
    assert sections["relationships"]["records"][0]["label"] == "Sam"
