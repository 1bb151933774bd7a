"""Touch helpers: kinetic scrolling that tells a tap from a drag."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QApplication, QScroller,
                               QScrollerProperties, QWidget)


class TapGuard(QObject):
    """Turns a touch that scrolled into no tap at all.

    Qt hands the press of a touch to the button under the finger before the scroller knows it is
    a drag; the content then moves with the finger, so the release lands on the same button and
    would click it: dragging a result list opened whatever the finger started on. Likewise a
    touch that stops a gliding list should only stop it. When a scroller starts dragging (or a
    press stops it gliding), the pending press is withdrawn: the button is released unclicked."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.suppress = False
        app.installEventFilter(self)
        # Two taps are two taps. Qt turns a second press within the double-click interval into a
        # double click, and a scroll area's gesture swallows double clicks while its scroller is
        # not idle: a tap on a result just after a touch that stopped the list (or a second,
        # impatient tap) did nothing. Nothing on a touchscreen kiosk is double-clicked.
        app.styleHints().setMouseDoubleClickInterval(0)

    def watch(self, scroller: QScroller) -> None:
        last = [scroller.state()]

        def changed(state):
            if state == QScroller.State.Dragging or (
                    state == QScroller.State.Pressed and last[0] == QScroller.State.Scrolling):
                self.suppress = True
            last[0] = state

        scroller.stateChanged.connect(changed)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.MouseButtonRelease and isinstance(obj, QWidget):
            if self.suppress and isinstance(obj, QAbstractButton):
                obj.setDown(False)  # QAbstractButton clicks only if it is still down on release
            self.suppress = False
        return False


_guard: TapGuard | None = None


def tap_guard() -> TapGuard:
    global _guard
    app = QApplication.instance()
    if _guard is None or _guard.parent() is not app:
        _guard = TapGuard(app)
    return _guard


def make_kinetic(area: QAbstractScrollArea) -> None:
    """Drag to scroll with momentum; a touch that moves less than the drag distance stays a tap."""
    viewport = area.viewport()
    # Touch only: the kiosk's screen sends touch events. Grabbing the mouse gesture as well would
    # hold back every press until the scroller has decided, and swallow quick clicks.
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.TouchGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    props.setScrollMetric(QScrollerProperties.ScrollMetric.DragStartDistance, 0.006)  # metres: ~6 mm
    props.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootDragResistanceFactor, 0.3)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootScrollDistanceFactor, 0.1)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.DecelerationFactor, 0.3)
    scroller.setScrollerProperties(props)
    tap_guard().watch(scroller)
