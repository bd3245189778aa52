"""One base error. The CLI and the UI catch only these and print them plainly."""


class OwnerscopeError(Exception):
    """Base class of every error a user may see as one clear line."""


class ConfigError(OwnerscopeError):
    """A setting or store URL is wrong."""


class StoreError(OwnerscopeError):
    """The graph store failed or refused an operation."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (server down, file locked)."""


class AuthFailed(StoreError):
    """The store refused the credentials."""


class ReadOnlyViolation(OwnerscopeError):
    """A query that writes was sent where only reads are allowed."""


class QueryError(OwnerscopeError):
    """A user query is malformed or failed."""


class InputError(OwnerscopeError):
    """An input file or argument cannot be used at all (missing file, wrong format)."""


class NotFound(OwnerscopeError):
    """An entity or record does not exist."""
