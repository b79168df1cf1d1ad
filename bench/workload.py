"""The throughput benchmark's cast and script: who is where, and the updates they send.

Fixed by a seed, so that the echo bot and Mulin are fed exactly the same updates.

- Community A (西安村): `groups_a` registered groups, one grid each. Its groups get /report
  (one-line, by residents who have not started the bot), albums reported with photos
  (`report_photos`: 3 photos sent together, one update each sharing a media_group_id, the
  first captioned "/report <text>"; Mulin's card answers that one, the other two join the
  issue without a reply, its card edited to count them), "me too" presses on issue cards
  raised during set-up, and /board. Per group and window at most 20 messages from the bot
  (cards, replies, card edits), Telegram's limit for one group per minute: an album counts 3
  (its card, and at most a card edit for each photo that joins it), the others 1; every item
  goes to the least loaded group, so the standard mix fills each group of A to exactly 20 (a
  warning when a --mix exceeds it).
- Community B (鸿塔社区): `groups_b` groups; an activity is published there during set-up
  and its cards get the sign-up presses (party 1–3).
- `private` residents who sent /start during set-up send /issue N and /board in private.

The report-heavy mix (REPORT_HEAVY, `report_heavy(total)`) uses the same kinds and cast with
no activity: 40 % /report in A's groups (50 groups of 10 grids, five groups a grid: each grid's
near-duplicate check reads up to 140 open issues; 600 reporters, two reports each, far below the
5 an hour), 20 % "me too" on the set-up cards, 20 % /board in the groups (by the reporters, as
in the standard mix), 20 % /issue N in private. About 48 bot messages a group: beyond Telegram's
20 a minute, so that mix runs with groups unpaced too (no warning then: `budget=None`).

The counts are of items, one update each but an album's ALBUM_PHOTOS; the script keeps an
album's updates together and in order, as Telegram delivers them, and never ends on one (its
silent photos are taken in before the last answer: see matching.py).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.issues.rules.similarity import bigrams, jaccard

from .matching import is_silent
from .procs import SUPERADMIN_ID

COMMUNITY_A = "西安村"
COMMUNITY_B = "鸿塔社区"
ACTIVITY = "/newactivity 邻里游园会 | 2099-12-05 09:00 | 中心花园 | {capacity} | 3"
PUBLISH = "📣 发布"
SIGN_UP = ("报名 1人", "报名 2人", "报名 3人")

PRIVATE_BASE = 2_000_000
REPORTER_BASE = 3_000_000
FOLLOWER_BASE = 4_000_000
JOINER_BASE = 5_000_000
PHOTOGRAPHER_BASE = 6_000_000

# The script of 5,000 updates in items (an album is ALBUM_PHOTOS updates); smaller runs scale
# every share down. Group messages in A: 60 × 3 + 90 + 180 + 450 = 45 groups × 20.
SHARES = {
    "report": 90,  # /report <text> in a group of A: 3 a group, in the groups with one album
    "report_photos": 60,  # an album with "/report <text>": 2 in 15 groups of A, 1 in the rest
    "board_group": 180,  # /board in a group of A: 4 a group
    "metoo": 450,  # "me too" on a set-up issue card in A: 10 a group
    "signup": 1500,  # sign-up presses on the activity cards in B
    "issue": 2000,  # /issue N in private
    "board_private": 600,  # /board in private
}
ALBUM_PHOTOS = 3
UPDATES_PER_ITEM = {"report_photos": ALBUM_PHOTOS}  # the other kinds: one update an item
# What one item may cost in bot messages to its group (the 20 a window's budget).
GROUP_COST = {"report_photos": 1 + (ALBUM_PHOTOS - 1), "report": 1, "board_group": 1, "metoo": 1}
GROUP_BUDGET = 20


def updates_of(counts: dict[str, int]) -> int:
    """How many updates `counts` items make."""
    return sum(n * UPDATES_PER_ITEM.get(kind, 1) for kind, n in counts.items())


SHARES_TOTAL = updates_of(SHARES)

# The report-heavy mix of 3,000 updates (its shares of any other total: `report_heavy`).
REPORT_HEAVY = {"report": 1200, "metoo": 600, "board_group": 600, "issue": 600}

_BUILDINGS = [f"{n}号楼" for n in range(1, 41)] + [f"{n}栋" for n in range(1, 21)]
_PLACES = [
    "门口", "地下车库", "电梯间", "楼道", "天台", "北侧绿化带", "南门岗亭", "儿童游乐区",
    "垃圾分类点", "消防通道", "自行车棚", "西侧围墙", "二单元大堂", "景观水池", "篮球场",
    "东门外人行道", "快递柜旁", "物业服务中心前", "健身器材区", "地面停车位",
]  # fmt: skip
_PROBLEMS = [
    "路灯不亮", "积水严重", "电动车乱停乱放", "垃圾堆放没人清运", "深夜噪音扰民",
    "井盖松动有响声", "监控摄像头坏了", "闻到燃气味道", "消防栓漏水", "护栏生锈断裂",
    "充电桩无法使用", "树枝挡住道路", "下水道堵塞返臭", "门禁刷卡失灵", "楼梯扶手松动",
    "墙皮大块脱落", "地砖翘起绊脚", "雨棚破损漏雨", "流浪狗聚集", "广告乱贴乱画",
    "水管爆裂漏水", "电梯经常停运", "外墙空调滴水", "车辆占用消防通道",
]  # fmt: skip
_DETAILS = [
    "已经三天了", "晚上走路很危险", "老人出行不便", "孩子容易摔倒", "请物业尽快处理",
    "影响大家休息", "下雨天更严重", "多次反映还没解决", "早上上班时最明显", "周末尤其突出",
    "邻居们都很担心", "拍了照片可以提供", "希望安排人来看看", "上个月修过又坏了",
]  # fmt: skip


def report_texts(rng: random.Random, count: int, others: Sequence[str] = ()) -> list[str]:
    """`count` report texts, each below 0.5 similarity to the others and to `others` (the
    bot says "this looks like #N" at 0.6)."""
    texts: list[str] = []
    pool = [bigrams(other) for other in others]
    while len(texts) < count:
        text = (
            f"{rng.choice(_BUILDINGS)}{rng.choice(_PLACES)}{rng.choice(_PROBLEMS)}，"
            f"{rng.choice(_DETAILS)}（{rng.randrange(100, 1000)}）"
        )
        mine = bigrams(text)
        if all(jaccard(mine, other) < 0.5 for other in pool):
            texts.append(text)
            pool.append(mine)
    return texts


def shares(total: int, mix: dict[str, int] = SHARES) -> dict[str, int]:
    """The standard mix (or `mix`) scaled to `total` updates (the rounding's rest goes to
    /issue); every kind of SHARES is in the result, those not in the mix with 0."""
    counts = dict.fromkeys(SHARES, 0)
    counts.update({kind: total * n // updates_of(mix) for kind, n in mix.items()})
    counts["issue"] += total - updates_of(counts)
    return counts


def report_heavy(total: int = 3000) -> dict[str, int]:
    """The report-heavy mix scaled to `total` updates."""
    return shares(total, REPORT_HEAVY)


@dataclass
class Cast:
    groups_a: int = 45
    groups_b: int = 5
    private: int = 450
    cards_per_group: int = 4  # issue cards raised by the superadmin during set-up
    grids: int | None = None  # A's groups spread over this many grids (None: one grid a group)
    capacity: int = 600
    seed: int = 7
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def users(self, counts: dict[str, int]) -> list[tuple[int, str, str | None]]:
        users: list[tuple[int, str, str | None]] = [(SUPERADMIN_ID, "镇管理员", "zh-hans")]
        users += [(PRIVATE_BASE + i, f"居民{i}", "zh-hans") for i in range(self.private)]
        users += [
            (REPORTER_BASE + i, f"报事人{i}", "zh-hans") for i in range(self.reporters(counts))
        ]
        users += [(FOLLOWER_BASE + i, f"邻居{i}", "zh-hans") for i in range(counts["metoo"])]
        users += [(JOINER_BASE + i, f"报名人{i}", "zh-hans") for i in range(counts["signup"])]
        albums = -(-counts["report_photos"] // 2)  # two albums each, as the reporters
        users += [(PHOTOGRAPHER_BASE + i, f"拍照人{i}", "zh-hans") for i in range(albums)]
        return users

    @staticmethod
    def reporters(counts: dict[str, int]) -> int:
        """Two reports each (far below 5 an hour); /board in groups is sent by them too."""
        return -(-max(counts["report"], counts["board_group"]) // 2)

    def group_titles(self) -> list[tuple[str, str, str]]:
        """(title, community, grid) of every group, A's first."""
        if self.grids is None:
            out = [
                (f"西安村第{i + 1}网格群", COMMUNITY_A, f"第{i + 1}网格")
                for i in range(self.groups_a)
            ]
        else:
            out = [
                (f"西安村第{i + 1}群", COMMUNITY_A, f"第{i % self.grids + 1}网格")
                for i in range(self.groups_a)
            ]
        out += [
            (f"鸿塔社区第{i + 1}网格群", COMMUNITY_B, f"第{i + 1}网格")
            for i in range(self.groups_b)
        ]
        return out


@dataclass
class Board:
    """What set-up left on the emulator for the script to press: chat → [(message id, data)]."""

    issue_cards: dict[int, list[tuple[int, str, int]]]  # A group → (message, follow data, issue)
    activity_cards: dict[int, tuple[int, list[str]]]  # B group → (message, sign-up data by party)


Unit = tuple[str, list[list[object]]]  # a kind and its updates' actions (an album: several)


class Placer:
    """Puts each item of community A in its least loaded group (the first of equals), loads
    counted in bot messages (GROUP_COST), so that no group exceeds its budget needlessly."""

    def __init__(self, groups: Sequence[int]) -> None:
        self.groups = list(groups)
        self.load = [0] * len(self.groups)
        self.placed: dict[tuple[str, int], int] = {}  # (kind, group) → items placed there

    def place(self, kind: str) -> tuple[int, int]:
        """(the group, how many items of `kind` it had before this one)."""
        at = min(range(len(self.groups)), key=lambda g: (self.load[g], g))
        self.load[at] += GROUP_COST[kind]
        group = self.groups[at]
        before = self.placed.get((kind, group), 0)
        self.placed[(kind, group)] = before + 1
        return group, before


def album(user: int, group: int, caption: str, key: str) -> list[list[object]]:
    """An album as Telegram delivers it: one update a photo, the caption on the first."""
    captions = [caption] + [None] * (ALBUM_PHOTOS - 1)
    return [["photo", user, group, text, key] for text in captions]


def group_units(
    counts: dict[str, int],
    groups_a: Sequence[int],
    board: Board,
    texts: Sequence[str],
    budget: int | None = GROUP_BUDGET,
) -> list[Unit]:
    """Community A's items, the costliest first so that the cheap ones fill the gaps; a
    warning when a group gets more than `budget` bot messages (None: groups are unpaced)."""
    placer = Placer(groups_a)
    units: list[Unit] = []
    for i in range(counts["report_photos"]):
        group, _ = placer.place("report_photos")
        caption = f"/report {texts[counts['report'] + i]}"
        units.append(("report_photos", album(PHOTOGRAPHER_BASE + i // 2, group, caption, f"a{i}")))
    for i in range(counts["report"]):
        group, _ = placer.place("report")
        units.append(("report", [["send", REPORTER_BASE + i // 2, group, f"/report {texts[i]}"]]))
    for i in range(counts["board_group"]):
        group, _ = placer.place("board_group")
        units.append(("board_group", [["send", REPORTER_BASE + i // 2, group, "/board"]]))
    for i in range(counts["metoo"]):
        group, before = placer.place("metoo")
        cards = board.issue_cards[group]
        message_id, data, _ = cards[before % len(cards)]
        units.append(("metoo", [["press", FOLLOWER_BASE + i, group, message_id, data]]))
    if budget is not None and max(placer.load, default=0) > budget:
        logging.getLogger("bench").warning(
            "up to %d bot messages in one group of A: beyond Telegram's %d a minute, the "
            "rate limiter paces that group",
            max(placer.load),
            budget,
        )
    return units


def script(
    cast: Cast,
    counts: dict[str, int],
    groups_a: Sequence[int],
    board: Board,
    texts: Sequence[str],
    budget: int | None = GROUP_BUDGET,
) -> tuple[list[list[object]], list[str]]:
    """The window's updates, shuffled (the same for every bot), and the kind of each; an
    album's photos stay together, in order, and the script does not end on an album."""
    rng = random.Random(cast.seed + 1)
    units = group_units(counts, groups_a, board, texts, budget)
    b_groups = sorted(board.activity_cards)
    for i in range(counts["signup"]):
        group = b_groups[i % len(b_groups)]
        message_id, buttons = board.activity_cards[group]
        data = buttons[i % len(buttons)]
        units.append(("signup", [["press", JOINER_BASE + i, group, message_id, data]]))
    issues = sorted({n for cards in board.issue_cards.values() for _, _, n in cards})
    for _ in range(counts["issue"]):
        user = PRIVATE_BASE + rng.randrange(cast.private)
        units.append(("issue", [["send", user, user, f"/issue {rng.choice(issues)}"]]))
    for _ in range(counts["board_private"]):
        user = PRIVATE_BASE + rng.randrange(cast.private)
        units.append(("board_private", [["send", user, user, "/board"]]))
    rng.shuffle(units)
    last = next((i for i in reversed(range(len(units))) if len(units[i][1]) == 1), None)
    if last is not None:  # the silent photos are handled before the last answer
        units.append(units.pop(last))
    actions = [action for _, unit in units for action in unit]
    kinds = [kind for kind, unit in units for _ in unit]
    return actions, kinds


def head(actions: Sequence[Sequence[object]], n: int) -> int:
    """How many updates make the first `n`, or a few more so as not to split an album."""
    n = min(n, len(actions))
    while n < len(actions) and is_silent(actions[n]):
        n += 1
    return n
