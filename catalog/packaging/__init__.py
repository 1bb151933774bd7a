"""Getting a catalogue onto a kiosk, safely: the package boundary (archive, records), signatures
and trusted keys (signing, trust), checking a package in full (checks), building a generation's
indexes (generation), the atomic switches: import, upgrade, repair, roll back (packages), making
packages (pack), the data folder and its generations (datadir), what a USB stick holds (sync),
imports run in a child process (background), and the fault points of the crash tests (faults)."""
