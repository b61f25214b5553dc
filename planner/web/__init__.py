"""The web app behind `runstrong serve` (see planner.web.app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.web.app import Settings

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings | None = None) -> Any:
    from planner.web.app import create_app as _create_app

    return _create_app(settings)


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from planner.web.app import Settings

        return Settings
    raise AttributeError(name)
