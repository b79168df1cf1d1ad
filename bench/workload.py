"""The throughput benchmark's cast and script: who is where, and the updates they send.

Fixed by a seed, so that the echo bot and Mulin are fed exactly the same updates.

- Community A (西安村): `groups_a` registered groups, one grid each. Its groups get /report
  (one-line, by residents who have not started the bot), "me too" presses on issue cards
  raised during set-up, and /board. Per group and window at most 20 messages from the bot
  (cards, replies, card edits), Telegram's limit for one group per minute.
- Community B (鸿塔社区): `groups_b` groups; an activity is published there during set-up
  and its cards get the sign-up presses (party 1–3).
- `private` residents who sent /start during set-up send /issue N and /board in private.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.issues.rules.similarity import bigrams, jaccard

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

# The script of 5,000 updates; smaller runs scale every share down.
SHARES = {
    "report": 270,  # /report <text> in a group of A: 6 a group
    "board_group": 180,  # /board in a group of A: 4 a group
    "metoo": 450,  # "me too" on a set-up issue card in A: 10 a group
    "signup": 1500,  # sign-up presses on the activity cards in B
    "issue": 2000,  # /issue N in private
    "board_private": 600,  # /board in private
}
SHARES_TOTAL = sum(SHARES.values())

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


def shares(total: int) -> dict[str, int]:
    counts = {kind: total * n // SHARES_TOTAL for kind, n in SHARES.items()}
    counts["issue"] += total - sum(counts.values())
    return counts


@dataclass
class Cast:
    groups_a: int = 45
    groups_b: int = 5
    private: int = 450
    cards_per_group: int = 4  # issue cards raised by the superadmin during set-up
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
        return users

    @staticmethod
    def reporters(counts: dict[str, int]) -> int:
        return -(-counts["report"] // 2)  # two reports each: far below 5 an hour

    def group_titles(self) -> list[tuple[str, str, str]]:
        """(title, community, grid) of every group, A's first."""
        out = [
            (f"西安村第{i + 1}网格群", COMMUNITY_A, f"第{i + 1}网格") for i in range(self.groups_a)
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


def script(
    cast: Cast,
    counts: dict[str, int],
    groups_a: Sequence[int],
    board: Board,
    texts: Sequence[str],
) -> tuple[list[list[object]], list[str]]:
    """The window's updates, shuffled (the same for every bot), and the kind of each."""
    rng = random.Random(cast.seed + 1)
    actions: list[tuple[str, list[object]]] = []
    for i in range(counts["report"]):
        group = groups_a[i % len(groups_a)]
        reporter = REPORTER_BASE + i // 2
        actions.append(("report", ["send", reporter, group, f"/report {texts[i]}"]))
    for i in range(counts["board_group"]):
        group = groups_a[i % len(groups_a)]
        actions.append(("board_group", ["send", REPORTER_BASE + i // 2, group, "/board"]))
    for i in range(counts["metoo"]):
        group = groups_a[i % len(groups_a)]
        cards = board.issue_cards[group]
        message_id, data, _ = cards[(i // len(groups_a)) % len(cards)]
        actions.append(("metoo", ["press", FOLLOWER_BASE + i, group, message_id, data]))
    b_groups = sorted(board.activity_cards)
    for i in range(counts["signup"]):
        group = b_groups[i % len(b_groups)]
        message_id, buttons = board.activity_cards[group]
        data = buttons[i % len(buttons)]
        actions.append(("signup", ["press", JOINER_BASE + i, group, message_id, data]))
    issues = sorted({n for cards in board.issue_cards.values() for _, _, n in cards})
    for _ in range(counts["issue"]):
        user = PRIVATE_BASE + rng.randrange(cast.private)
        actions.append(("issue", ["send", user, user, f"/issue {rng.choice(issues)}"]))
    for _ in range(counts["board_private"]):
        user = PRIVATE_BASE + rng.randrange(cast.private)
        actions.append(("board_private", ["send", user, user, "/board"]))
    rng.shuffle(actions)
    return [a for _, a in actions], [k for k, _ in actions]
