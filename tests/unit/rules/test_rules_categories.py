"""Category suggestion from keywords, with reports worded the way Anhai residents word them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.issues.rules.categories import CATEGORY_KEYS, KEYWORDS, hits, suggest


def test_keys_in_spec_order() -> None:
    assert CATEGORY_KEYS == (
        "parking", "lighting", "fire", "drainage", "cctv",
        "gas", "sanitation", "noise", "facilities", "other",
    )  # fmt: skip


def test_every_category_but_other_has_keywords() -> None:
    assert set(KEYWORDS) == set(CATEGORY_KEYS) - {"other"}
    assert all(KEYWORDS[key] for key in KEYWORDS)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # parking & EV charging
        ("海景湾二期没有电动车充电桩，大家只能飞线充电", "parking"),
        ("小区车位太少，晚上回来根本没地方停车", "parking"),
        ("电动车棚的雨棚被风吹坏了", "parking"),
        ("No EV chargers in our compound", "parking"),
        # lighting
        ("3号楼路灯不亮了", "lighting"),
        ("楼道灯坏了一个多月，老人上下楼太黑", "lighting"),
        ("The street lights at the north gate are out", "lighting"),
        # fire safety
        ("消防通道被杂物堵塞，消防车进不来", "fire"),
        ("楼道里的灭火器过期了", "fire"),
        # drainage & sewage
        ("一下雨小区门口就积水，下水道堵了", "drainage"),
        ("化粪池满了，污水流到路上", "drainage"),
        ("下水道堵塞，一楼返水", "drainage"),
        # CCTV
        ("东门的监控摄像头坏了好久", "cctv"),
        # gas
        ("厨房闻到煤气味，怀疑燃气管道漏气", "gas"),
        # sanitation
        ("垃圾桶满了没人清扫，夏天异味很大", "sanitation"),
        ("装修垃圾堆在楼下没人清", "sanitation"),  # 垃圾 ties 装修: sanitation comes first
        ("Garbage has not been collected for days", "sanitation"),
        # noise
        ("楼上装修太吵了，中午也不停", "noise"),
        ("广场舞音响太响，晚上十点还在扰民", "noise"),
        # facilities
        ("2号楼电梯又坏了，老人爬楼很困难", "facilities"),
        ("小区门禁刷卡没反应", "facilities"),
        ("健身器材生锈破损", "facilities"),
        ("The lift in block 5 is broken again", "facilities"),
        # nothing recognisable
        ("请问社区什么时候开会？", "other"),
        ("", "other"),
    ],
)
def test_realistic_reports(text: str, key: str) -> None:
    assert suggest(text) == key


def test_parking_lot_lamp_is_lighting() -> None:
    # The broken lamp is the problem, the car park only where it is; property staff who fix
    # lamps are the ones to see it. So "停车场" is not a keyword, and lighting wins on hits
    # (灯, 路灯, 灯不亮 against 停车).
    text = "停车场出入口路灯不亮，晚上很危险"
    assert hits(text)["lighting"] > hits(text)["parking"]
    assert suggest(text) == "lighting"


def test_most_hits_win() -> None:
    # 消防 and 消防通道 (fire) outnumber 停车 (parking).
    assert suggest("消防通道被乱停车占了") == "fire"


def test_ties_go_to_the_earlier_key() -> None:
    text = "摄像头 垃圾"  # one cctv hit, one sanitation hit
    assert hits(text)["cctv"] == hits(text)["sanitation"] == 1
    assert suggest(text) == "cctv"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("everyone is angry", "other"),  # no "ev" inside "every"
        ("shoplifting at the shop", "other"),  # no "lift" inside it
        ("outdoor", "other"),  # no "door"
        ("Las Vegas", "other"),  # no "gas"
        ("the LIFT", "facilities"),
        ("two EVs", "parking"),
        ("没有EV充电", "parking"),  # Latin word right next to Chinese
        ("ＣＣＴＶ坏了", "cctv"),  # full-width Latin
    ],
)
def test_latin_words_match_whole_words(text: str, key: str) -> None:
    assert suggest(text) == key


@given(st.text(max_size=80))
def test_always_a_known_key(text: str) -> None:
    assert suggest(text) in CATEGORY_KEYS
