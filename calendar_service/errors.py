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


class NotFoundError(CalendarServiceError, LookupError):
    """A matter, deadline or token that does not exist."""


class ConflictError(CalendarServiceError, ValueError):
    """A request that contradicts the stored state (complete a deadline that is done, ...)."""


class ValidationError(CalendarServiceError, ValueError):
    """Input with one or more bad fields; ``errors`` lists (field, problem) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in errors))


class AuthError(CalendarServiceError, PermissionError):
    """A missing, unknown or revoked API token (``forbidden`` False), or one without the right (True)."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        self.forbidden = forbidden
        super().__init__(message)


class LetterError(CalendarServiceError, ValueError):
    """A letter that cannot be read: empty, binary, a broken PDF, a PDF without a text layer."""


class TooLargeError(CalendarServiceError, ValueError):
    """Input over a size limit (HTTP 413)."""
