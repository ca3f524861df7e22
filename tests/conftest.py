"""Shared fixtures: calendars compiled on the embedded default settings."""

from datetime import date

import pytest

from calendar_service.calendars import get_calendar
from calendar_service.config import Settings
from calendar_service.engine import BusinessCalendar


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def federal(settings: Settings) -> BusinessCalendar:
    return get_calendar("us-federal", settings)


@pytest.fixture(scope="session")
def nyse(settings: Settings) -> BusinessCalendar:
    return get_calendar("nyse", settings)


def d(text: str) -> date:
    """Shorthand for ISO dates in parametrize tables."""
    return date.fromisoformat(text)
