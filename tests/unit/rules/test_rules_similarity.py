"""Near-duplicate detection: SPEC's bigram Jaccard >= 0.6 after normalising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.issues.rules.similarity import (
    THRESHOLD,
    best_match,
    bigrams,
    jaccard,
    normalize,
    similarity,
)


def test_threshold_is_spec() -> None:
    assert THRESHOLD == 0.6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3号楼路灯不亮了", "3号楼路灯不亮了"),
        ("3号楼的路灯，不亮了！！", "3号楼的路灯不亮了"),
        ("【紧急】5号楼 电梯坏了。。。", "紧急5号楼电梯坏了"),
        ("“停车”难？《通知》、「好」～", "停车难通知好"),
        ("Street Light BROKEN!", "streetlightbroken"),
        ("ＡＢＣ　１２３", "abc123"),  # full-width letters, digits and space
        ("灯不亮😡😡👍🏽", "灯不亮"),  # emoji with a skin-tone modifier
        ("家里👨‍👩‍👧没电", "家里没电"),  # zero-width-joiner emoji sequence
        ("3️⃣号楼", "3号楼"),  # keycap: variation selector and enclosing mark
        ("line\nbreak\ttab", "linebreaktab"),
        ("¥100 + $5 = ©®", "1005"),
        ("Straße", "strasse"),  # case-folding, not just lower()
        ("a!\u0301", "\u00e1"),  # the mark composes once the "!" between is gone
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_bigrams() -> None:
    assert bigrams("路灯不亮") == {"路灯", "灯不", "不亮"}
    assert bigrams("灯！") == {"灯"}  # one character left: it still matches itself
    assert bigrams("！！ 😀") == frozenset()
    assert bigrams("哈哈哈") == {"哈哈"}


def test_spec_example_matches() -> None:
    score = similarity("3号楼路灯不亮了", "3号楼的路灯不亮了！")
    assert score == pytest.approx(6 / 9)
    assert score >= THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3号楼路灯不亮了", "5号楼电梯坏了"),
        ("3号楼路灯不亮了", "3号楼电梯不亮了"),  # same building, different problem
        ("海景湾二期没有电动车充电桩", "海景湾二期垃圾没人清扫"),
        ("消防通道被堵塞", "下水道被堵塞"),
    ],
)
def test_different_problems_do_not_match(a: str, b: str) -> None:
    assert similarity(a, b) < THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "海景湾二期没有电动车充电桩，大家只能飞线充电",
            "海景湾二期没有电动车充电桩 大家只能飞线充电！！",
        ),
        ("Street light at gate 3 is broken", "street light at Gate 3 is broken!!!"),
        ("灯", "灯。"),
    ],
)
def test_same_problem_rephrased_matches(a: str, b: str) -> None:
    assert similarity(a, b) >= THRESHOLD


def test_jaccard() -> None:
    assert jaccard({"ab", "bc"}, {"bc", "cd"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0
    assert jaccard({"ab"}, set()) == 0.0


def test_best_match_picks_highest_above_threshold() -> None:
    candidates = [
        (7, "5号楼电梯坏了"),
        (9, "3号楼的路灯不亮了！"),
        (4, "3号楼路灯不亮了好几天"),
    ]
    match = best_match("3号楼路灯不亮了", candidates)
    assert match is not None
    assert match[0] == 4  # 7/10 beats #9's 6/9
    assert match[1] == pytest.approx(7 / 10)


def test_best_match_ties_go_to_lowest_id() -> None:
    candidates = [(12, "路灯不亮了"), (3, "路灯不亮了"), (8, "路灯不亮了")]
    assert best_match("路灯不亮了", candidates) == (3, 1.0)


def test_best_match_none() -> None:
    assert best_match("3号楼路灯不亮了", [(1, "5号楼电梯坏了")]) is None
    assert best_match("3号楼路灯不亮了", []) is None
    assert best_match("😀😀", [(1, "😀😀")]) is None  # nothing left to compare


def test_best_match_exactly_at_threshold() -> None:
    # 3 shared of 5 in the union: exactly 0.6 counts ("≥ 0.6").
    a, b = "abcd", "abcde"  # {ab bc cd} vs {ab bc cd de}: 3/4
    assert best_match(a, [(1, b)]) == (1, 0.75)
    a, b = "abcd", "abcdef"  # {ab bc cd} vs {ab bc cd de ef}: 3/5
    assert jaccard(bigrams(a), bigrams(b)) == THRESHOLD
    assert best_match(a, [(1, b)]) == (1, THRESHOLD)
    a, b = "abcd", "abcdefg"  # 3/6
    assert best_match(a, [(1, b)]) is None


def test_best_match_accepts_a_generator() -> None:
    rows = ((i, text) for i, text in [(1, "垃圾没人清扫"), (2, "垃圾没有人清扫")])
    assert best_match("垃圾没人清扫", rows) == (1, 1.0)


texts = st.text(alphabet=st.sampled_from("3号楼的路灯不亮了电梯坏abcXYZ ，。！!?😀"), max_size=30)


@given(texts, texts)
def test_symmetric(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)


@given(st.text(max_size=50), st.text(max_size=50))
def test_range(a: str, b: str) -> None:
    assert 0.0 <= similarity(a, b) <= 1.0


@given(st.text(max_size=50))
def test_identical_is_one_unless_nothing_is_left(a: str) -> None:
    expected = 1.0 if normalize(a) else 0.0
    assert similarity(a, a) == expected


@settings(max_examples=2000)
@given(st.text(max_size=50))
def test_normalize_is_idempotent(a: str) -> None:
    assert normalize(normalize(a)) == normalize(a)


@given(texts, st.sampled_from(["", " ", "！", "。。", "😀", "  ,.  "]))
def test_punctuation_and_spaces_do_not_matter(a: str, noise: str) -> None:
    assert bigrams(noise + a + noise) == bigrams(a)


def test_counts_from_an_index_choose_as_the_texts_do() -> None:
    """best_by_counts (the bigram index's counts) picks what best_match picks from the texts."""
    import random

    from bot.issues.rules.similarity import best_by_counts

    rng = random.Random(5)
    words = ["3号楼", "路灯", "不亮", "了", "电梯", "坏了", "门口", "积水", "很黑", "！", "东侧"]
    for _ in range(300):
        texts = ["".join(rng.choices(words, k=rng.randint(1, 6))) for _ in range(8)]
        mine, others = texts[0], list(enumerate(texts[1:], start=1))
        a = bigrams(mine)
        counts = [(i, len(a & bigrams(t)), len(bigrams(t))) for i, t in others]
        assert best_by_counts(len(a), counts) == best_match(mine, others), (mine, others)
