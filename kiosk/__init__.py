"""The PySide6 kiosk app on top of catalog/ (arrows point one way: kiosk -> catalog)."""
