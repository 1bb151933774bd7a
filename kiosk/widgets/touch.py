"""Touch helpers: kinetic scrolling that tells a tap from a drag."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QScroller, QScrollerProperties


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
