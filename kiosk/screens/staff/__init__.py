"""Staff mode (behind the window's PIN gate): catalogue updates from a USB stick (what is on it, who
signed it, whether it applies; apply with progress while citizens keep searching; the report; roll
back), trusted publisher keys, the usage export, and the kiosk's settings. Every step is a call
into catalog/.

One module a tab: ``update`` (目录更新), ``keys`` (信任的公钥), ``export`` (使用统计),
``settings_tab`` (设置), ``quit`` (退出); ``screen`` holds the tab bar, the keyboard the settings
are typed on, and what passes between the tabs; ``common`` what the tabs share.
"""

from kiosk.screens.staff.screen import StaffScreen

__all__ = ["StaffScreen"]
