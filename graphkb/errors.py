"""One small exception family; each message says what to do next.  The CLI turns them into exits."""
from __future__ import annotations


class GraphKBError(Exception):
    """Base class: a failure the user can act on (the CLI prints the message, no traceback)."""

    exit_code = 1


class UsageError(GraphKBError):
    """The command line asks for something impossible (unknown layout, missing path...)."""

    exit_code = 2


class NoPostsError(GraphKBError):
    """No post could be read from any input; ``result`` holds the problems met."""

    def __init__(self, message: str, result=None):
        super().__init__(message)
        self.result = result


class ConceptBaseError(GraphKBError):
    """A concept file that does not parse or breaks the concept-base rules."""


class QueryError(GraphKBError):
    """A SPARQL query that does not parse, fails, or runs past its time limit."""


class OutputLockedError(GraphKBError):
    """Another build is writing the same output folder."""


class InputTooLargeError(GraphKBError):
    """The input is larger than this machine's memory allows a build to hold."""
