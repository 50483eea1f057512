"""The errors nianbao raises. Each names the object at fault and, where it can, the way out."""

from __future__ import annotations


class NianbaoError(Exception):
    """Base class of every nianbao error."""


class UnreadableFile(NianbaoError, ValueError):
    """A file that cannot be read as a report: corrupt, encrypted, too large, or of an unknown kind."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class ConversionFailed(NianbaoError, RuntimeError):
    """An external converter (LibreOffice, OCR) failed or timed out."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class WarehouseUnavailable(NianbaoError, RuntimeError):
    """The warehouse (or a snapshot) cannot be opened: in use, damaged, not writable."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class UnknownSetting(NianbaoError, KeyError):
    """A settings key that does not exist; lists the valid ones."""

    def __init__(self, key: str, valid: list[str]) -> None:
        super().__init__(f"unknown setting {key!r}; valid settings: {', '.join(sorted(valid))}")
        self.key = key
        self.valid = valid
