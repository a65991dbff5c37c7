"""State-store files: what kops keeps under a cluster's config base (nodeup configs, addon
manifests, the completed spec, ...), written as objects of the config base's S3 bucket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kopsgen.ir.base import Ref, Resource


class _Files(Resource):
    category: ClassVar[str] = "files"


@dataclass(frozen=True, kw_only=True)
class StateFile(_Files):
    """One object of the config base. `name` is kops's name for the file.

    `substitutions` pairs a marker that occurs in `content` with the attribute that replaces it
    when the configuration is applied (a value nobody knows while rendering, such as a queue URL
    that holds the account ID). Secret files (private keys) never belong in a rendered output:
    the renderers refuse them.
    """

    bucket: str
    key: str
    content: bytes
    secret: bool = False
    substitutions: tuple[tuple[str, Ref], ...] = ()
