"""The registry of sources: one package per wire under this folder, each exposing `SOURCE`.

    names()            every source package present (a scan of this folder, no list to edit)
    get(name)          that package's SOURCE (imported on first use)
    configured()       the sources WIREDESK_SOURCES names, in its order ("yonhap,apnews"; default "yonhap")

Adding a source adds a package here and touches no shared module. Nothing in the shared steps imports a
source package by name; they go through this registry. The interface is pipelines.sources.base.Source.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import re

from pipelines.sources.base import Source

DEFAULT_SOURCES = "yonhap"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


class UnknownSource(ValueError):
    """A source name that no package under pipelines/sources/ answers to."""


def names() -> list[str]:
    """The source packages present, sorted (subpackages of this one that are not the base module)."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if info.ispkg and _NAME.fullmatch(info.name))


def get(name: str) -> Source:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name not in names():
        raise UnknownSource(f"unknown source {name!r}: the sources present are {', '.join(names()) or 'none'}")
    module = importlib.import_module(f"{__name__}.{name}")
    source = getattr(module, "SOURCE", None)
    if not isinstance(source, Source) or source.name != name:
        raise UnknownSource(f"pipelines/sources/{name} defines no SOURCE named {name!r}")
    return source


def configured(value: str | None = None) -> list[Source]:
    """The sources to run: WIREDESK_SOURCES (comma separated, order kept, duplicates dropped)."""
    raw = value if value is not None else os.environ.get("WIREDESK_SOURCES") or DEFAULT_SOURCES
    wanted = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not wanted:
        raise UnknownSource(f"WIREDESK_SOURCES={raw!r} names no source")
    return [get(name) for name in wanted]
