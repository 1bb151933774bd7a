"""One screen per file. Every screen is a ``Screen``: it loads through kiosk.tasks, forgets the
last person's state in ``reset()`` and follows the theme in ``apply_theme()``."""
