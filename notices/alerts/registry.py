"""The event registry: each app declares, when it starts (`AppConfig.ready`), the events it raises.

The alert pipeline (outbox, fan-out, subscriptions, channels) knows no event of its own accord: an event type
says who receives it by default (a function of the payload), how it reads in each language, and over which
channels it goes. `emit()` refuses a name nobody registered.

    from notices.alerts import EventType, Recipients, register

    register(EventType(
        name="pledge.confirmed",
        label=gettext_lazy("Pledge confirmed"),
        recipients=lambda payload, event: Recipients(organisations_by_slugs(payload["donor"])),
        detail=lambda payload, language: payload.get("summary", ""),
        lines={"donor": gettext_lazy("Donor"), "appeal": gettext_lazy("Appeal")},
    ))

This module imports no model, so an app's `ready()` can register before anything else is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Event  # noqa: F401 - only for the annotations

EMAIL = "email"
WEBHOOK = "webhook"
ROBOT = "robot"
ALL_CHANNELS: frozenset[str] = frozenset({EMAIL, WEBHOOK, ROBOT})


@dataclass(frozen=True)
class Recipients:
    """Who an event reaches by default: member organisations (their alert contacts, webhooks and robots, less what
    each has switched off), and/or the secretariat's addresses."""

    organisation_ids: list[int] = field(default_factory=list)
    secretariat: bool = False


@dataclass(frozen=True)
class EventType:
    """One kind of event.

    - `name`: "<thing>.<what happened>", stable (partners filter webhooks on it).
    - `label`: a short title, translatable (`gettext_lazy`): the subject of the email, the admin's and API's label.
    - `recipients(payload, event)`: the default audience, from the payload the raising app wrote (it may run
      queries through `notices.alerts` helpers, never through another app's tables).
    - `detail(payload, language)`: an optional one-line summary appended to the title; called with the reader's
      language active (and given, for payloads that carry both languages' texts).
    - `lines`: payload keys worth a line of the message, with their translatable labels, in order.
    - `values(payload, language)`: optional, the payload's values as the reader should see them (a quantity with
      its unit in the reader's language, say); without it the lines show the payload's values as they are.
    - `channels`: which channels it may use (email, webhook, robot): the fan-out makes no row on any other.
    """

    name: str
    label: Any
    recipients: Callable[[dict[str, Any], Any], Recipients]
    detail: Callable[[dict[str, Any], str], str] | None = None
    lines: Mapping[str, Any] = field(default_factory=dict)
    values: Callable[[dict[str, Any], str], Mapping[str, Any]] | None = None
    channels: frozenset[str] = ALL_CHANNELS
    app: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.channels, str):
            raise ValueError(f"channels of {self.name!r}: a set of channel names, not one string")
        object.__setattr__(self, "channels", frozenset(self.channels))


_REGISTRY: dict[str, EventType] = {}


def register(event_type: EventType) -> EventType:
    """Declares an event type (idempotent for the same declaration; a different one under a taken name is a bug)."""
    existing = _REGISTRY.get(event_type.name)
    if existing is not None and existing != event_type:
        raise ValueError(f"event type {event_type.name!r} is already registered differently")
    if not set(event_type.channels) <= ALL_CHANNELS:
        raise ValueError(f"unknown channels for {event_type.name!r}: {set(event_type.channels) - ALL_CHANNELS}")
    _REGISTRY[event_type.name] = event_type
    return event_type


def register_all(event_types: Iterable[EventType]) -> None:
    for event_type in event_types:
        register(event_type)


def get(name: str) -> EventType | None:
    return _REGISTRY.get(name)


def is_registered(name: str) -> bool:
    return name in _REGISTRY


def names() -> list[str]:
    return sorted(_REGISTRY)


def label(name: str) -> str:
    """The event's title in the active language; its code when nobody declares it (any more)."""
    declared = _REGISTRY.get(name)
    return str(declared.label) if declared is not None else name


def event_choices() -> list[tuple[str, Any]]:
    """(name, label) of every registered event: for model fields (as a callable, so a new event needs no
    migration), filters and the API schema."""
    return [(name, _REGISTRY[name].label) for name in sorted(_REGISTRY)]
