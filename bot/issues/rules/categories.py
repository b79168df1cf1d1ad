"""Issue categories of SPEC and the keyword guess that pre-fills a report's category.

The guess only saves an elderly reporter a step: moderators can change it, so a simple,
predictable rule (count keyword hits) beats anything clever. Display names live in the
translation catalogs, not here.
"""

from __future__ import annotations

import re
import unicodedata

CATEGORY_KEYS: tuple[str, ...] = (
    "parking",
    "lighting",
    "fire",
    "drainage",
    "cctv",
    "gas",
    "sanitation",
    "noise",
    "facilities",
    "other",
)

FALLBACK = "other"

# Words that name a problem, not a place: "停车场" alone is where a broken lamp is, so it is
# deliberately not a parking keyword ("停车" still is, for 乱停车 and the like).
KEYWORDS: dict[str, tuple[str, ...]] = {
    key: tuple(words.split())
    for key, words in {
        "parking": "停车 车位 占位 充电 电动车 充电桩 雨棚 车棚 地锁 "
        "parking charger charging ev e-bike scooter",
        "lighting": "灯 路灯 灯不亮 照明 灯坏 楼道灯 太黑 light lighting streetlight lamp dark",
        "fire": "消防 灭火器 消防通道 消防栓 堵塞 火灾 着火 烟感 飞线 fire extinguisher hydrant",
        "drainage": "下水道 下水 排水 污水 积水 堵了 管道 化粪池 窨井 井盖 返水 冒水 雨水 "
        "drain drainage sewage sewer flood flooding manhole",
        "cctv": "监控 摄像头 探头 公共视频 camera cctv surveillance",
        "gas": "燃气 煤气 天然气 液化气 漏气 gas",
        "sanitation": "垃圾 卫生 清扫 异味 臭 老鼠 蚊虫 蟑螂 狗屎 杂物 "
        "garbage trash rubbish litter dirty smell smelly",
        "noise": "噪音 噪声 吵 装修 扰民 广场舞 狗叫 noise noisy loud",
        "facilities": "电梯 门禁 健身器材 减速带 设施 栏杆 围栏 道闸 座椅 秋千 路面 破损 "
        "elevator lift door gate bench playground pavement",
    }.items()
}


def _pattern(keyword: str) -> re.Pattern[str]:
    """Latin words match whole words (with a plural "s"/"es"), so "ev" is not found in "every"
    nor "lift" in "shoplifting"; Chinese has no word boundaries, so a plain substring."""
    if keyword.isascii():
        return re.compile(rf"(?<![a-z0-9]){re.escape(keyword)}(?:s|es)?(?![a-z0-9])")
    return re.compile(re.escape(keyword))


_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    key: tuple(_pattern(word) for word in words) for key, words in KEYWORDS.items()
}


def hits(text: str) -> dict[str, int]:
    """For each category, how many of its distinct keywords occur in the text."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return {
        key: sum(1 for pattern in patterns if pattern.search(folded))
        for key, patterns in _PATTERNS.items()
    }


def suggest(text: str) -> str:
    """The category with the most keyword hits; ties go to the earlier key; none: "other"."""
    counts = hits(text)
    best = max(CATEGORY_KEYS, key=lambda key: (counts.get(key, 0), -CATEGORY_KEYS.index(key)))
    return best if counts.get(best, 0) > 0 else FALLBACK
