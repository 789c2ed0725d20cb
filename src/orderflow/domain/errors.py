"""Domain errors. Adapters turn them into HTTP answers in one place."""


class DomainError(Exception):
    """Base of every error the domain and the use cases raise on purpose."""

    code = "error"


class ValidationFailed(DomainError):
    """Input that breaks a rule; `fields` names each field and what is wrong."""

    code = "invalid"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Refused(DomainError):
    """A rule refuses the request in the current state (HTTP 409).

    `reason` says why in plain words, fit to be shown to the person who asked.
    """

    code = "conflict"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason
        self.message = reason


class RetryRefused(Refused):
    """The order cannot get a new checkout session (SPEC §2, §3.5)."""


class CancelRefused(Refused):
    """The order cannot be cancelled (SPEC §2)."""


class GatewayError(DomainError):
    """The payment gateway failed or could not be reached (HTTP 502)."""

    code = "gateway_error"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidWebhook(DomainError):
    """A webhook whose signature, timestamp or body cannot be trusted (HTTP 400)."""

    code = "invalid_webhook"

    def __init__(self, message):
        super().__init__(message)
        self.message = message
