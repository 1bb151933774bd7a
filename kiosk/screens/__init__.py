"""One screen per module (the staff screen, with its tabs, is a package). Every screen is a ``Screen``: it loads through kiosk.tasks, forgets the
last person's state in ``reset()`` and follows the theme in ``apply_theme()``."""
