"""Domain: its 标准目录 items as readable cards, each leading to its documents."""

from __future__ import annotations

from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, label

ITEM_FIELDS = (("公开内容", "content"), ("公开依据", "basis"), ("公开时限", "time_limit"),
               ("公开主体", "subject"), ("公开渠道", "channels"), ("公开对象", "audience"),
               ("公开方式", "method"), ("公开层级", "level"))


class DomainScreen(Screen):
    title = "领域"

    def __init__(self, window):
        super().__init__(window)
        self._request = 0
        self.domain = None

    def open(self, domain_id: str) -> None:
        cat = self.catalog
        self._request += 1
        request = self._request

        def fetch(_p):
            d = cat.store.domain(domain_id)
            items = cat.store.items(domain_id)
            item_docs = {it.id: cat.store.documents_for_item(it.id) for it in items}
            return d, items, item_docs, cat.store.documents_for_domain(domain_id)

        tasks.run(fetch, lambda data: self._fill(data, request), owner=self)

    def _fill(self, data, request: int) -> None:
        if request != self._request:
            return
        d, items, item_docs, docs = data
        self.domain = d
        clear_layout(self.column)
        if d is None:
            self.column.addWidget(label("没有找到这个领域，目录可能已经更新。"))
            return
        self.column.addWidget(label(d.name, "heading"))
        if d.description:
            self.column.addWidget(label(d.description, "muted"))
        if docs:
            self.column.addWidget(button(f"查看本领域全部文件（{len(docs)} 份）",
                                         lambda _c=False: self.win.show_listing(d.name, docs), "primary"))
        self.column.addWidget(label("基层政务公开标准目录", "heading"))
        if not items:
            self.column.addWidget(label("本领域的标准目录尚未发布。"))
        for it in items:
            frame, lay = card()
            lay.addWidget(label(" › ".join(x for x in (it.level1, it.level2) if x) or "公开事项", "heading"))
            for name, attr in ITEM_FIELDS:
                value = getattr(it, attr)
                if isinstance(value, list):
                    value = "、".join(value)
                if value:
                    lay.addWidget(label(f"{name}：{value}"))
            ids = item_docs.get(it.id, [])
            if ids:
                title = it.level2 or it.level1 or d.name
                lay.addWidget(button(f"相关文件（{len(ids)} 份）",
                                     lambda _c=False, t=title, i=ids: self.win.show_listing(t, i), "primary"))
            self.column.addWidget(frame)
        self.column.addStretch(1)

    def reset(self) -> None:
        super().reset()
        self._request += 1
        self.domain = None
        clear_layout(self.column)
