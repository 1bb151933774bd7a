"""The application style sheet, generated from a Theme (normal or elder mode)."""

from __future__ import annotations

from kiosk.theme import Theme


def stylesheet(t: Theme) -> str:
    return f"""
    QWidget {{ background: {t.bg}; color: {t.text}; font-size: {t.body_px}px; }}
    QLabel {{ background: transparent; }}
    QLabel#heading {{ font-size: {t.heading_px}px; font-weight: bold; }}
    QLabel#muted, QLabel.muted {{ color: {t.muted}; font-size: {t.small_px}px; }}
    QLabel#badge {{ background: {t.warn_bg}; color: {t.warn_text}; border: 2px solid {t.warn_text};
                    border-radius: 6px; padding: 2px 8px; font-size: {t.small_px}px; font-weight: bold; }}
    QFrame#card {{ background: {t.surface}; border: 2px solid #C9CED6; border-radius: 12px; }}
    QPushButton {{ background: {t.surface}; color: {t.text}; border: 2px solid {t.muted};
                   border-radius: 10px; padding: 6px 14px; min-height: {t.target_px}px;
                   min-width: {t.target_px}px; }}
    QPushButton:pressed, QPushButton:checked {{ background: {t.accent}; color: {t.accent_text};
                   border-color: {t.accent}; }}
    QPushButton#primary {{ background: {t.accent}; color: {t.accent_text}; border-color: {t.accent};
                   font-weight: bold; }}
    QPushButton#primary:pressed {{ background: {t.text}; }}
    QPushButton:disabled, QPushButton#primary:disabled {{ background: {t.bg}; color: {t.muted};
                   border: 2px dashed {t.muted}; font-weight: normal; }}
    QPushButton#tile {{ font-size: {t.body_px}px; font-weight: bold; text-align: center; }}
    QPushButton#link {{ border: none; text-align: left; color: {t.focus}; text-decoration: underline;
                   background: transparent; }}
    QPushButton#resulttitle {{ border: none; text-align: left; color: {t.focus};
                   text-decoration: underline; background: transparent;
                   font-size: {t.body_px + 2}px; font-weight: bold; }}
    QPushButton#chip {{ border-radius: {t.target_px // 2}px; padding: 4px 16px; font-size: {t.small_px}px; }}
    QLineEdit {{ background: {t.surface}; border: 3px solid {t.focus}; border-radius: 10px;
                 padding: 6px 12px; min-height: {t.target_px}px; font-size: {t.body_px}px; }}
    QScrollArea {{ border: none; }}
    QListWidget {{ background: {t.surface}; border: 2px solid {t.muted}; border-radius: 10px; }}
    QListWidget::item {{ padding: {t.spacing_px}px 8px; min-height: {t.target_px}px;
                         border-bottom: 1px solid {t.muted}; color: {t.text}; }}
    QListWidget::indicator {{ width: {t.target_px // 2}px; height: {t.target_px // 2}px; }}
    QScrollBar:vertical {{ width: {max(16, t.spacing_px * 2)}px; background: {t.bg}; }}
    QScrollBar::handle:vertical {{ background: {t.muted}; border-radius: 6px; min-height: 60px; }}
    QLabel#alert {{ background: {t.warn_bg}; color: {t.warn_text}; border-bottom: 3px solid {t.warn_text};
                    padding: 10px 24px; font-size: {t.body_px}px; font-weight: bold; }}
    QFrame#header {{ background: {t.surface}; border-bottom: 3px solid {t.accent}; }}
    QFrame#overlay {{ background: rgba(0, 0, 0, 170); }}
    QFrame#dialog {{ background: {t.surface}; border: 3px solid {t.accent}; border-radius: 16px; }}
    QPushButton#help {{ border: 3px solid {t.focus}; color: {t.focus}; font-weight: bold; }}
    QPushButton#help:pressed {{ background: {t.accent}; color: {t.accent_text}; border-color: {t.accent}; }}
    QLabel#helptext {{ font-size: {t.heading_px}px; font-weight: bold; }}
    """
