"""Errors that carry a plain-Chinese message for people and a technical detail for logs."""


class CatalogError(Exception):
    """Something a person must be told about, in plain Chinese.

    ``message`` is the sentence shown to people (what happened, what to do);
    ``detail`` is the technical detail that goes to the log.
    """

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class PackageRefused(CatalogError):
    """A catalogue package was refused; nothing on the kiosk changed."""


class NoCatalogue(CatalogError):
    """The data folder holds no catalogue yet."""
