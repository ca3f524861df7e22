"""The exceptions every layer raises for bad input, so each adapter can translate them in one place.

Each is a ``ValueError`` or ``LookupError`` whose message says what was wrong and what to do.
The CLI turns them into one line and exit status 2; the web adapter into a 4xx JSON body.
"""


class CalendarServiceError(Exception):
    """Base of every error caused by the caller's input or configuration."""


class ConfigError(CalendarServiceError, ValueError):
    """config.toml (or an environment variable) holds a value the service cannot use."""


class UnknownCalendarError(CalendarServiceError, LookupError):
    """A calendar name or spec that names no calendar."""


class OutOfRangeError(CalendarServiceError, ValueError):
    """A date, or a computed result, outside the range the engine supports."""


class RuleSyntaxError(CalendarServiceError, ValueError):
    """Text that cannot be read as a deadline rule."""


class InputError(CalendarServiceError, ValueError):
    """Any other malformed input: a date that does not exist, a year that is not a number."""
