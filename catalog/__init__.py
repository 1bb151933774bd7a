"""The headless core of the disclosure-zone kiosk.

Nothing in this package imports Qt: every action the kiosk offers is a call here that a test
(or the command line, ``python -m catalog``) can make without a display.
"""

from catalog.errors import CatalogError, PackageRefused

__all__ = ["CatalogError", "PackageRefused"]
