"""Error classes shared by the audio library.

Callers decide between retrying, falling back to another engine and failing the job
by the class alone, so every engine maps its own failures onto these three.
"""


class AudioError(Exception):
    """Base class for errors raised by the audio library."""


class TransientEngineError(AudioError):
    """The engine failed for a reason that may go away (timeout, 429, 5xx, network).

    `retry_after` is the server's hint in seconds when it gave one.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentEngineError(AudioError):
    """The engine cannot ever make this audio (bad voice, missing model, bad input)."""


class EngineUnavailable(PermanentEngineError):
    """The engine is not installed or not configured on this host."""
