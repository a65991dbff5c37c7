"""Semantic checks of a defaulted spec: everything the JSON Schema cannot express."""

from __future__ import annotations

from kopsgen.errors import FieldError
from kopsgen.spec.documents import SpecDocuments


def validate(docs: SpecDocuments) -> list[FieldError]:
    """Every problem found, each at its field; an empty list means the spec can be built."""
    errors: list[FieldError] = []
    return errors
