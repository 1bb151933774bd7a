"""Getting a catalogue onto a kiosk, safely: the package boundary (archive, records), signatures
and trusted keys (signing, trust), checking, building and switching a generation (packages), the
data folder and its generations (datadir), what a USB stick holds (sync), and imports run in a
child process (background)."""
